using System.Text.Json;
using Lkm.Bench.Net;
using Lkm.Bench.Play;
using Lkm.Bench.Reporting;
using Lkm.Bench.ServerMetrics;

namespace Lkm.Bench.Tests.Reporting;

public sealed class GapReportTests
{
    private static PlayReport Report()
    {
        var options = new PlayOptions
        {
            Urls = [StreamUrl.Parse("rtmp://127.0.0.1:1/live/a"), StreamUrl.Parse("http://127.0.0.1:2/live/a.flv")],
            Players = 0,
        };

        // PlayerStats time themselves with the real clock; build the summaries from results instead.
        var rtmp = Enumerable.Range(1, 10).Select(i => Result(i, "rtmp", steadyGapMs: 100.0 * i, runGapMs: 1000)).ToList();
        rtmp.Add(Result(11, "rtmp", steadyGapMs: null, runGapMs: null)); // no key frame: not counted
        var flv = new[] { Result(12, "flv", 350, 400), Result(13, "flv", 360, 380) };
        var byUrl = new[]
        {
            PlayReportBuilder.Summarize("rtmp", rtmp, null, 0.95),
            PlayReportBuilder.Summarize("flv", flv, null, 0.95),
        };
        var overall = PlayReportBuilder.Summarize("all", [.. rtmp, .. flv], null, 0.95);
        var gc = ServerGcStats.Between("http://127.0.0.1:2/metrics", new GcSnapshot(10, 2, 1, 0.5, 1_000_000), new GcSnapshot(25, 4, 1, 0.56, 1_000_000 + (20 << 20)), 10);
        return new PlayReport(options.Urls.Select(u => u.ToString()).ToArray(), 13, 100, 20, null, overall, byUrl, null, null, gc, [], true, [.. rtmp, .. flv]);
    }

    private static PlayerResult Result(int index, string protocol, double? steadyGapMs, double? runGapMs) =>
        new(index, "u", protocol, true, 1, 10, 1000, 1000, 0, runGapMs ?? 0, steadyGapMs, runGapMs, false, false, null);

    [Fact]
    public void Summaries_give_percentiles_of_the_per_player_longest_gap_over_players_that_have_one()
    {
        var report = Report();
        var rtmp = report.ByUrl[0].SteadyGapMs!;
        Assert.Equal(10, rtmp.Count);
        Assert.Equal(500, rtmp.P50);
        Assert.Equal(900, rtmp.P90);
        Assert.Equal(1000, rtmp.P99);
        Assert.Equal(1000, rtmp.Max);
        Assert.Equal(1000, report.ByUrl[0].RunGapMs!.Max);

        var all = report.Overall.SteadyGapMs!;
        Assert.Equal(12, all.Count);
        Assert.Equal(900, all.P90); // nearest rank 11 of 12: 350, 360, 100..1000 sorted
        Assert.Equal(1000, report.Overall.RunGapMs!.Max);
    }

    [Fact]
    public void Json_and_table_carry_the_gap_percentiles_and_the_server_gc_deltas()
    {
        var report = Report();

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, BenchJsonContext.Default.PlayReport));
        var overall = json.RootElement.GetProperty("overall");
        Assert.Equal(900, overall.GetProperty("steadyGapMs").GetProperty("p90").GetDouble());
        Assert.Equal(1000, overall.GetProperty("runGapMs").GetProperty("max").GetDouble());
        Assert.Equal(500, json.RootElement.GetProperty("playerResults")[4].GetProperty("steadyGapMs").GetDouble());
        var gc = json.RootElement.GetProperty("serverGc");
        Assert.Equal(15, gc.GetProperty("gen0Collections").GetInt64());
        Assert.Equal(2, gc.GetProperty("gen1Collections").GetInt64());
        Assert.Equal(0, gc.GetProperty("gen2Collections").GetInt64());
        Assert.Equal(60, gc.GetProperty("pauseMs").GetDouble(), 6);
        Assert.Equal(20, gc.GetProperty("allocatedMiB").GetDouble());
        Assert.Equal(2, gc.GetProperty("allocatedMiBPerSecond").GetDouble());

        using var text = new StringWriter();
        ReportPrinter.Print(report, text);
        string[] lines = text.ToString().Split('\n');
        int header = Array.FindIndex(lines, l => l.Contains("gap p90", StringComparison.Ordinal));
        Assert.True(header >= 0, text.ToString());
        Assert.Matches(@"^all\s+12\s+400\.0\s+900\.0\s+1000\.0\s+1000\.0\s+1000\.0\s+1000\.0$", lines[header + 3].TrimEnd());
        int gcHeader = Array.FindIndex(lines, l => l.Contains("alloc MiB/s", StringComparison.Ordinal));
        Assert.Matches(@"^server\s+10\.0\s+15\s+2\s+0\s+60\.0\s+20\.0\s+2\.0$", lines[gcHeader + 1].Trim());
    }
}
