using Lkm.Bench.Net;

namespace Lkm.Bench.Publish;

/// <summary>What <c>publish</c> runs: N RTMP publishers, each looping one FLV file in real time.</summary>
public sealed record PublishOptions
{
    public required string File { get; init; }

    /// <summary>rtmp://host/app/name; <c>%d</c> is replaced by the publisher index.</summary>
    public required StreamUrl Url { get; init; }

    public int Publishers { get; init; } = 1;

    /// <summary>Publishers opened per second.</summary>
    public double RampPerSecond { get; init; } = 50;

    /// <summary>How long each publisher publishes; null = until cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    public string? JsonPath { get; init; }
}
