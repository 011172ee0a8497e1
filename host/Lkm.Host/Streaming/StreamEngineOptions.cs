using Lkm.Host.Configuration;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>The per-stream policy the engine applies (from <c>defaults:</c>; routes refine it later).</summary>
public sealed record StreamEngineOptions
{
    public bool GopCache { get; init; } = true;

    public int MergeWriteMs { get; init; } = 350;

    public TimeSpan ResumeWindow { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public SinkQueueLimits SinkLimits { get; init; } = SinkQueueLimits.Default;

    /// <summary>Bounds of what a source holds for late joiners, so a stream with no keyframes cannot grow memory without end.</summary>
    public int GopCacheMaxBytes { get; init; } = 64 * 1024 * 1024;

    public static StreamEngineOptions From(StreamDefaults d) => new()
    {
        GopCache = d.GopCache,
        MergeWriteMs = (int)d.MergeWrite.TotalMilliseconds,
        ResumeWindow = d.ResumeWindow,
        WaitTimeout = d.WaitTimeout,
        ProbeTimeout = d.ProbeTimeout,
        SinkLimits = new SinkQueueLimits { MaxLagMs = (int)d.PlayerMaxLag.TotalMilliseconds, MaxQueuedBytes = (int)d.PlayerMaxQueue },
    };
}
