using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Sdk.Streaming;
using Keys = Lkm.Host.Configuration.ConfigKeys.Defaults;

namespace Lkm.Host.Routing;

/// <summary>
/// The settings in force for one stream: its route over the defaults over the built-ins. A policy
/// built with <c>new()</c> has the built-ins (<see cref="ConfigKeys"/>).
/// </summary>
public sealed record StreamPolicy
{
    /// <summary>The route that matched (its pattern), or <c>defaults</c>.</summary>
    public string Route { get; init; } = "defaults";

    public bool GopCache { get; init; } = Keys.GopCache.Default;

    public int MergeWriteMs { get; init; } = (int)Keys.MergeWrite.Default.TotalMilliseconds;

    public TimeSpan ResumeWindow { get; init; } = Keys.ResumeWindow.Default;

    public TimeSpan WaitTimeout { get; init; } = Keys.WaitTimeout.Default;

    public TimeSpan ProbeTimeout { get; init; } = Keys.ProbeTimeout.Default;

    /// <summary>No players for this long → ask on_idle_timeout (or close); zero = never.</summary>
    public TimeSpan IdleTimeout { get; init; } = Keys.IdleTimeout.Default;

    /// <summary>No media from the publisher for this long → ask on_receive_timeout (or close); zero = never.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = Keys.ReceiveTimeout.Default;

    public SinkQueueLimits SinkLimits { get; init; } = Limits(Keys.PlayerMaxLag.Default, Keys.PlayerMaxQueue.Default);

    /// <summary>Most players at once; 0 = no limit.</summary>
    public int MaxPlayers { get; init; } = Keys.MaxPlayers.Default;

    /// <summary>Egress protocols allowed; null = all.</summary>
    public IReadOnlySet<string>? Protocols { get; init; }

    /// <summary>Ingest protocols allowed; null = all.</summary>
    public IReadOnlySet<string>? PublishProtocols { get; init; }

    /// <summary>Full path of the hook script, or "" for none.</summary>
    public string HookScript { get; init; } = ConfigKeys.Hooks.Script.Default;

    public TimeSpan HookTimeout { get; init; } = ConfigKeys.Hooks.Timeout.Default;

    public HookErrorPolicy OnError { get; init; } = ConfigKeys.Hooks.OnError.Default;

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
        SinkLimits = Limits(s.PlayerMaxLag!.Value, s.PlayerMaxQueue!.Value),
        MaxPlayers = s.MaxPlayers!.Value,
        Protocols = s.Protocols is null ? null : new HashSet<string>(s.Protocols, StringComparer.OrdinalIgnoreCase),
        PublishProtocols = s.PublishProtocols is null ? null : new HashSet<string>(s.PublishProtocols, StringComparer.OrdinalIgnoreCase),
        HookScript = s.HookScript ?? "",
        HookTimeout = s.HookTimeout!.Value,
        OnError = s.OnError!.Value,
    };

    private static SinkQueueLimits Limits(TimeSpan maxLag, long maxQueue) =>
        new() { MaxLagMs = (int)maxLag.TotalMilliseconds, MaxQueuedBytes = (int)maxQueue };
}
