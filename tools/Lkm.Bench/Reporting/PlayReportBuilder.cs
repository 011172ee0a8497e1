using Lkm.Bench.Play;
using Lkm.Bench.Sampling;
using Lkm.Bench.ServerMetrics;

namespace Lkm.Bench.Reporting;

/// <summary>Judges each player (healthy = keyframe, no stall, no drop, bitrate ≥ 95% of the reference) and aggregates.</summary>
public static class PlayReportBuilder
{
    public static PlayReport Build(PlayOptions options, IReadOnlyList<PlayerStats> stats, ResourceStats? server, ResourceStats? bench, ServerGcStats? serverGc, bool stoppedInTime)
    {
        // Reference per URL: the expected bitrate, else the median of that URL's players.
        var reference = new double?[options.Urls.Count];
        for (int g = 0; g < reference.Length; g++)
        {
            reference[g] = options.ExpectKbps ?? Median(stats.Where(s => s.Group == g).Select(s => s.BitrateKbps).OfType<double>());
        }

        var results = stats.Select(s => Judge(s, reference[s.Group] * options.HealthyBitrateFraction)).ToArray();
        var byUrl = Enumerable.Range(0, options.Urls.Count)
            .Select(g => Summarize(options.Urls[g].ToString(), results.Where(r => stats[r.Index].Group == g).ToArray(), reference[g], options.HealthyBitrateFraction))
            .ToArray();
        var overall = Summarize("all", results, options.ExpectKbps ?? (reference.Length == 1 ? reference[0] : null), options.HealthyBitrateFraction);
        var errors = results.Where(r => r.Error is not null)
            .GroupBy(r => r.Error!)
            .Select(g => new ErrorCount(g.Key, g.Count()))
            .OrderByDescending(e => e.Count)
            .ToArray();
        return new PlayReport(
            options.Urls.Select(u => u.ToString()).ToArray(),
            options.Players,
            options.RampPerSecond,
            options.Duration.TotalSeconds,
            options.ExpectKbps,
            overall,
            byUrl,
            server,
            bench,
            serverGc,
            errors,
            stoppedInTime,
            results);
    }

    private static PlayerResult Judge(PlayerStats s, double? minimumKbps)
    {
        double? kbps = s.BitrateKbps;
        bool bitrateOk = kbps is double k && (minimumKbps is not double min || k >= min);
        bool healthy = !s.Failed && !s.Dropped && s.HasKeyframe && s.Stalls == 0 && bitrateOk;
        return new PlayerResult(
            s.Index,
            s.Url,
            s.Protocol.ToString(),
            healthy,
            Round(s.ConnectMs),
            Round(s.FirstKeyframeMs),
            Round(kbps),
            s.MediaBytes,
            s.Stalls,
            Math.Round(RunClock.ToMilliseconds(s.MaxGapTicks), 1),
            s.SteadyGapTicks is long steady ? Math.Round(RunClock.ToMilliseconds(steady), 1) : null,
            s.RunGapTicks is long run ? Math.Round(RunClock.ToMilliseconds(run), 1) : null,
            s.Failed,
            s.Dropped,
            s.Error ?? (s.HasKeyframe ? null : "no keyframe received"));
    }

    internal static PlaySummary Summarize(string name, IReadOnlyList<PlayerResult> results, double? reference, double fraction)
    {
        var rates = results.Where(r => !r.Failed).Select(r => r.Kbps).OfType<double>().ToArray();
        return new PlaySummary(
            name,
            results.Count,
            results.Count(r => r.Healthy),
            results.Count(r => r.Failed),
            results.Count(r => r.Dropped),
            results.Count(r => r.Stalls > 0),
            results.Count(r => r.FirstKeyframeMs is null),
            results.Count(r => !r.Failed && (r.Kbps is not double k || (reference is double min && k < min * fraction))),
            Percentiles.Of(results.Select(r => r.FirstKeyframeMs).OfType<double>()),
            rates.Length == 0 ? null : Math.Round(rates.Min(), 1),
            rates.Length == 0 ? null : Math.Round(rates.Average(), 1),
            Round(reference),
            Percentiles.Of(results.Select(r => r.SteadyGapMs).OfType<double>()),
            Percentiles.Of(results.Select(r => r.RunGapMs).OfType<double>()));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : Percentile(sorted, 50);
    }

    private static double? Round(double? value) => value is double v ? Math.Round(v, 1) : null;
}
