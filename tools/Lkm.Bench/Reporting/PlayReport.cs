using Lkm.Bench.Sampling;

namespace Lkm.Bench.Reporting;

/// <summary>The result of a <c>play</c> run (also its JSON shape).</summary>
public sealed record PlayReport(
    IReadOnlyList<string> Urls,
    int Players,
    double RampPerSecond,
    double DurationSeconds,
    double? ExpectKbps,
    PlaySummary Overall,
    IReadOnlyList<PlaySummary> ByUrl,
    ResourceStats? Server,
    ResourceStats? Bench,
    IReadOnlyList<ErrorCount> Errors,
    bool AllStoppedInTime,
    IReadOnlyList<PlayerResult> PlayerResults)
{
    public bool AllHealthy => Overall.Healthy == Players;
}

/// <summary>Aggregates over a set of players (one URL, or all).</summary>
public sealed record PlaySummary(
    string Name,
    int Players,
    int Healthy,
    int Failed,
    int Dropped,
    int Stalled,
    int NoKeyframe,
    int LowBitrate,
    Percentiles? FirstKeyframeMs,
    double? MinKbps,
    double? AvgKbps,
    double? ReferenceKbps);

public sealed record Percentiles(int Count, double P50, double P95, double P99, double Max);

public sealed record ErrorCount(string Error, int Count);

/// <summary>One player's outcome.</summary>
public sealed record PlayerResult(
    int Index,
    string Url,
    string Protocol,
    bool Healthy,
    double? ConnectMs,
    double? FirstKeyframeMs,
    double? Kbps,
    long MediaBytes,
    int Stalls,
    double MaxGapMs,
    bool Failed,
    bool Dropped,
    string? Error);
