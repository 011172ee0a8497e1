using Lkm.Bench.Sampling;
using Lkm.Bench.ServerMetrics;

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
    ServerGcStats? ServerGc,
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
    double? ReferenceKbps,
    Percentiles? SteadyGapMs,
    Percentiles? RunGapMs);

/// <summary>Nearest-rank percentiles of one figure over the players that have it (<see cref="Count"/> of them).</summary>
public sealed record Percentiles(int Count, double P50, double P90, double P95, double P99, double Max)
{
    public static Percentiles? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? null
            : new Percentiles(
                sorted.Length,
                PlayReportBuilder.Percentile(sorted, 50),
                PlayReportBuilder.Percentile(sorted, 90),
                PlayReportBuilder.Percentile(sorted, 95),
                PlayReportBuilder.Percentile(sorted, 99),
                sorted[^1]);
    }
}

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
    double? SteadyGapMs,
    double? RunGapMs,
    bool Failed,
    bool Dropped,
    string? Error);
