using System.Globalization;
using Lkm.Bench.Sampling;
using Lkm.Bench.ServerMetrics;

namespace Lkm.Bench.Reporting;

/// <summary>The plain-text tables printed at the end of a run.</summary>
public static class ReportPrinter
{
    public static void Print(PlayReport report, TextWriter output)
    {
        output.WriteLine();
        string reference = report.ExpectKbps is double k ? Invariant($", expected {k:0} kbps") : ", reference = median bitrate per URL";
        output.WriteLine(Invariant($"play: {report.Players} players, ramp {report.RampPerSecond:0.#}/s, steady {report.DurationSeconds:0.#} s{reference}"));
        var rows = new List<string[]>
        {
            new[] { "url", "players", "healthy", "failed", "dropped", "stalled", "no-kf", "low-rate", "kf p50 ms", "kf p95 ms", "kf p99 ms", "min kbps", "avg kbps", "ref kbps" },
        };
        foreach (var s in report.ByUrl.Count > 1 ? report.ByUrl.Append(report.Overall) : report.ByUrl)
        {
            rows.Add(
            [
                s.Name, N(s.Players), N(s.Healthy), N(s.Failed), N(s.Dropped), N(s.Stalled), N(s.NoKeyframe), N(s.LowBitrate),
                F(s.FirstKeyframeMs?.P50), F(s.FirstKeyframeMs?.P95), F(s.FirstKeyframeMs?.P99), F(s.MinKbps), F(s.AvgKbps), F(s.ReferenceKbps),
            ]);
        }

        WriteTable(output, rows);
        PrintGaps(output, report);
        PrintResources(output, [report.Server, report.Bench]);
        PrintServerGc(output, report.ServerGc);
        PrintErrors(output, report.Errors);
        if (!report.AllStoppedInTime)
        {
            output.WriteLine("warning: some players did not stop within the grace period");
        }

        output.WriteLine(Invariant($"result: {report.Overall.Healthy}/{report.Players} healthy"));
    }

    public static void Print(PublishReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(Invariant($"publish: {report.Publishers} publisher(s) of {report.File} ({report.FileKbps:0} kbps) to {report.Url}"));
        WriteTable(output,
        [
            ["publishing", "failed", "start p50 ms", "start max ms", "total sent kbps", "max late ms"],
            [N(report.Publishing), N(report.Failed), F(report.PublishStartP50Ms), F(report.PublishStartMaxMs), F(report.TotalSentKbps), F(report.MaxLateMs)],
        ]);
        PrintErrors(output, report.Errors);
    }

    private static void PrintGaps(TextWriter output, PlayReport report)
    {
        output.WriteLine();
        output.WriteLine("longest gap between media deliveries per player, after its first key frame (ms): steady phase | whole run");
        var rows = new List<string[]>
        {
            new[] { "url", "players", "gap p50", "gap p90", "gap p99", "gap max", "run p90", "run max" },
        };
        foreach (var s in report.ByUrl.Count > 1 ? report.ByUrl.Append(report.Overall) : report.ByUrl)
        {
            rows.Add(
            [
                s.Name, N(s.SteadyGapMs?.Count ?? 0), F(s.SteadyGapMs?.P50), F(s.SteadyGapMs?.P90), F(s.SteadyGapMs?.P99), F(s.SteadyGapMs?.Max),
                F(s.RunGapMs?.P90), F(s.RunGapMs?.Max),
            ]);
        }

        WriteTable(output, rows);
    }

    private static void PrintServerGc(TextWriter output, ServerGcStats? gc)
    {
        if (gc is null)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(Invariant($"server GC over the steady phase ({gc.Url}; gen0 counts every collection, gen1 those of gen1 and gen2):"));
        WriteTable(output,
        [
            ["process", "seconds", "gen0", "gen1", "gen2", "pause ms", "alloc MiB", "alloc MiB/s"],
            ["server", F(gc.Seconds), L(gc.Gen0Collections), L(gc.Gen1Collections), L(gc.Gen2Collections), F(gc.PauseMs), F(gc.AllocatedMiB), F(gc.AllocatedMiBPerSecond)],
        ]);
        if (gc.Warning is not null)
        {
            output.WriteLine("warning: server metrics: " + gc.Warning);
        }
    }

    private static void PrintResources(TextWriter output, IEnumerable<ResourceStats?> stats)
    {
        var present = stats.OfType<ResourceStats>().ToArray();
        if (present.Length == 0)
        {
            return;
        }

        var rows = new List<string[]> { new[] { "process", "pid", "samples", "cpu avg %", "cpu max %", "rss avg MiB", "rss max MiB", "note" } };
        rows.AddRange(present.Select(r => new[]
        {
            r.Role, N(r.Pid), N(r.Samples), F(r.CpuAvgPercent), F(r.CpuMaxPercent), F(r.RssAvgMiB), F(r.RssMaxMiB), r.Error ?? "",
        }));
        output.WriteLine();
        WriteTable(output, rows);
    }

    private static void PrintErrors(TextWriter output, IReadOnlyList<ErrorCount> errors)
    {
        if (errors.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("errors:");
        foreach (var e in errors.Take(10))
        {
            output.WriteLine(Invariant($"  {e.Count,6} x {e.Error}"));
        }
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<string[]> rows)
    {
        int columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            // First column left-aligned (names), numbers right-aligned.
            var cells = row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string L(long? value) => value is long v ? v.ToString(CultureInfo.InvariantCulture) : "-";

    private static string F(double? value) => value is double v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
