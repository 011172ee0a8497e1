namespace Lkm.Sdk.Streaming;

/// <summary>Bounds of a player's send queue. A player further behind than either bound is disconnected.</summary>
public sealed record SinkQueueLimits
{
    /// <summary>16 MiB and 10 s.</summary>
    public static readonly SinkQueueLimits Default = new();

    /// <summary>Most bytes waiting to be sent.</summary>
    public int MaxQueuedBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most media time (ms) between the newest queued segment and the last one sent.</summary>
    public int MaxLagMs { get; init; } = 10_000;
}
