using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Routing;

/// <summary>The settings in force for one stream: its route over the defaults over the built-ins.</summary>
public sealed record StreamPolicy
{
    /// <summary>The route that matched (its pattern), or <c>defaults</c>.</summary>
    public string Route { get; init; } = "defaults";

    public bool GopCache { get; init; } = true;

    public int MergeWriteMs { get; init; } = 350;

    public TimeSpan ResumeWindow { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>No players for this long → ask on_idle_timeout (or close); zero = never.</summary>
    public TimeSpan IdleTimeout { get; init; }

    /// <summary>No media from the publisher for this long → ask on_receive_timeout (or close); zero = never.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public SinkQueueLimits SinkLimits { get; init; } = SinkQueueLimits.Default;

    /// <summary>Most players at once; 0 = no limit.</summary>
    public int MaxPlayers { get; init; }

    /// <summary>Egress protocols allowed; null = all.</summary>
    public IReadOnlySet<string>? Protocols { get; init; }

    /// <summary>Ingest protocols allowed; null = all.</summary>
    public IReadOnlySet<string>? PublishProtocols { get; init; }

    /// <summary>Full path of the hook script, or "" for none.</summary>
    public string HookScript { get; init; } = "";

    public TimeSpan HookTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public HookErrorPolicy OnError { get; init; } = HookErrorPolicy.Deny;

    /// <summary>Bounds of what a source holds for late joiners, so a stream with no keyframes cannot grow memory without end.</summary>
    public int GopCacheMaxBytes { get; init; } = 64 * 1024 * 1024;

    public bool AllowsPlay(string protocol) => Protocols is null || Protocols.Contains(protocol);

    public bool AllowsPublish(string protocol) => PublishProtocols is null || PublishProtocols.Contains(protocol);

    /// <summary>Builds a policy from fully resolved settings (every field set).</summary>
    public static StreamPolicy From(StreamSettings s, string route) => new()
    {
        Route = route,
        GopCache = s.GopCache!.Value,
        MergeWriteMs = (int)s.MergeWrite!.Value.TotalMilliseconds,
        ResumeWindow = s.ResumeWindow!.Value,
        WaitTimeout = s.WaitTimeout!.Value,
        ProbeTimeout = s.ProbeTimeout!.Value,
        IdleTimeout = s.IdleTimeout!.Value,
        ReceiveTimeout = s.ReceiveTimeout!.Value,
        SinkLimits = new SinkQueueLimits { MaxLagMs = (int)s.PlayerMaxLag!.Value.TotalMilliseconds, MaxQueuedBytes = (int)s.PlayerMaxQueue!.Value },
        MaxPlayers = s.MaxPlayers!.Value,
        Protocols = s.Protocols is null ? null : new HashSet<string>(s.Protocols, StringComparer.OrdinalIgnoreCase),
        PublishProtocols = s.PublishProtocols is null ? null : new HashSet<string>(s.PublishProtocols, StringComparer.OrdinalIgnoreCase),
        HookScript = s.HookScript ?? "",
        HookTimeout = s.HookTimeout!.Value,
        OnError = s.OnError!.Value,
    };
}
