using Lkm.Bench.ServerMetrics;

namespace Lkm.Bench.Tests.ServerMetrics;

public sealed class GcSnapshotTests
{
    [Fact]
    public void Reads_the_three_gc_metrics_out_of_prometheus_text()
    {
        const string text = """
            # HELP lkm_gc_heap_live_bytes Managed heap right after the last full blocking GC.
            # TYPE lkm_gc_heap_live_bytes gauge
            lkm_gc_heap_live_bytes 12345678
            # HELP lkm_gc_collections_total Garbage collections since the server started, by generation.
            # TYPE lkm_gc_collections_total counter
            lkm_gc_collections_total{generation="0"} 120
            lkm_gc_collections_total{generation="1"} 14
            lkm_gc_collections_total{generation="2"} 3
            # TYPE lkm_gc_pause_seconds_total counter
            lkm_gc_pause_seconds_total 0.0421
            # TYPE lkm_gc_allocated_bytes_total counter
            lkm_gc_allocated_bytes_total 1.5E+09
            dotnet_collection_count_total{generation="0"} 999
            """;

        var gc = GcSnapshot.Parse(text);

        Assert.Equal(new GcSnapshot(120, 14, 3, 0.0421, 1.5e9), gc);
        Assert.False(gc.IsEmpty);
    }

    [Fact]
    public void Tolerates_crlf_timestamps_other_labels_and_lines_it_cannot_read()
    {
        string text = "lkm_gc_collections_total{instance=\"a\", generation=\"1\"} 7 1700000000000\r\n"
            + "lkm_gc_collections_total{generation=\"0\"} not-a-number\r\n"
            + "lkm_gc_collections_total{generation=\"0\" 5\r\n"
            + "lkm_gc_pause_seconds_total\r\n"
            + "lkm_gc_allocated_bytes_total_extra 5\r\n"
            + "lkm_gc_allocated_bytes_total 2048\r\n";

        var gc = GcSnapshot.Parse(text);

        Assert.Equal(new GcSnapshot(null, 7, null, null, 2048), gc);
    }

    [Fact]
    public void A_server_without_them_gives_an_empty_snapshot()
    {
        Assert.True(GcSnapshot.Parse("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n").IsEmpty);
        Assert.True(GcSnapshot.Parse("").IsEmpty);
    }

    [Fact]
    public void Deltas_between_two_snapshots_and_warnings_for_what_is_missing_or_went_back()
    {
        var start = new GcSnapshot(100, 10, 2, 1.0, 100.0 * (1 << 20));
        var end = new GcSnapshot(160, 13, 2, 1.25, 400.0 * (1 << 20));

        var delta = ServerGcStats.Between("u", start, end, 20);
        Assert.Equal(new ServerGcStats("u", 20, 60, 3, 0, 250, 300, 15, null), delta);

        var partial = ServerGcStats.Between("u", start with { PauseSeconds = null }, end, 20);
        Assert.Null(partial.PauseMs);
        Assert.Equal(60, partial.Gen0Collections);
        Assert.Contains(GcSnapshot.PauseName, partial.Warning);

        var restarted = ServerGcStats.Between("u", end, start, 20);
        Assert.StartsWith("a counter went back", restarted.Warning);
    }
}
