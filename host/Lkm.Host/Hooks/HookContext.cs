namespace Lkm.Host.Hooks;

/// <summary>What a hook script sees as <c>ctx</c> (snake_case names in JavaScript, documented in scripts/hooks.js).</summary>
public sealed record HookContext
{
    private static readonly IReadOnlyDictionary<string, string> NoQuery = new Dictionary<string, string>();
    private readonly string? _app;
    private readonly string? _name;

    /// <summary>Stream id, e.g. <c>live/cam1</c> → <c>ctx.stream</c>.</summary>
    public required string Stream { get; init; }

    /// <summary>First path segment of the id → <c>ctx.app</c> (derived from <see cref="Stream"/> unless set).</summary>
    public string App
    {
        get => _app ?? (Stream.IndexOf('/') is var slash and >= 0 ? Stream[..slash] : Stream);
        init => _app = value;
    }

    /// <summary>The rest of the id after the first segment → <c>ctx.name</c> (derived from <see cref="Stream"/> unless set).</summary>
    public string Name
    {
        get => _name ?? (Stream.IndexOf('/') is var slash and >= 0 ? Stream[(slash + 1)..] : "");
        init => _name = value;
    }

    /// <summary>rtmp, flv, ws-flv, hls, rtsp, 28181, jt1078, ... → <c>ctx.protocol</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>Peer as "ip:port" → <c>ctx.remote_addr</c>.</summary>
    public string RemoteAddr { get; init; } = "";

    /// <summary>URL query of the publisher or player → <c>ctx.query</c> (an object of strings).</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = NoQuery;

    /// <summary>Player id for play events → <c>ctx.sink</c>.</summary>
    public string? Sink { get; init; }

    /// <summary>Seconds the publisher/player lasted (done events) → <c>ctx.duration</c>.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Bytes received/sent (done events) → <c>ctx.bytes</c>.</summary>
    public long? Bytes { get; init; }

    /// <summary>Recorded file (on_record) → <c>ctx.path</c>.</summary>
    public string? Path { get; init; }
}
