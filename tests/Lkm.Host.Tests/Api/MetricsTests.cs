using System.Net;
using Lkm.Host.Hooks;
using Lkm.Host.Tests.Streaming;
using Lkm.Sdk.Streaming;
using Lkm.Testing;

namespace Lkm.Host.Tests.Api;

public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PrometheusText> ScrapeAsync(ApiTestServer server)
    {
        using var response = await server.Client.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Player_gauges_follow_players_joining_and_leaving()
    {
        await using var server = await ApiTestServer.StartAsync();
        var publisher = await server.Hub.PublishAsync(new PublishRequest { StreamId = "live/m", Protocol = "rtmp" }, Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: true);

        var before = await ScrapeAsync(server);
        var sink = new RecordingSink();
        var handle = await server.Hub.PlayAsync(new PlayRequest { StreamId = "live/m", Protocol = "test" }, sink, Ct);
        await Media.EventuallyAsync(() => sink.Received.Count > 0, "the player gets the stream");
        var during = await ScrapeAsync(server);
        await handle.DisposeAsync();
        await Media.EventuallyAsync(() => server.Hub.DescribeAsync("live/m").Result?.Players == 0, "the player is gone");
        var after = await ScrapeAsync(server);

        Assert.Equal("gauge", before.Types["lkm_players"]);
        Assert.Equal(1, before.Value("lkm_publishers", ("protocol", "rtmp")));
        Assert.Null(before.Value("lkm_players", ("protocol", "test")));
        Assert.Equal(1, during.Value("lkm_players", ("protocol", "test")));
        Assert.Equal(1, during.Value("lkm_stream_players", ("stream", "live/m")));
        Assert.Equal(0, after.Value("lkm_players", ("protocol", "test")));
        Assert.Equal(0, after.Value("lkm_stream_players", ("stream", "live/m")));
        Assert.True(during.Value("lkm_stream_bytes_in_total", ("stream", "live/m")) > 0);

        await publisher.DisposeAsync();
        await Media.EventuallyAsync(() => !server.Hub.StreamIds.Contains("live/m"), "the stream ends");
        var gone = await ScrapeAsync(server);
        Assert.Null(gone.Value("lkm_stream_players", ("stream", "live/m")));
        Assert.Equal(0, gone.Value("lkm_streams"));
    }

    [Fact]
    public async Task Hook_calls_and_their_latency_histogram_and_process_metrics_are_exported()
    {
        await using var server = await ApiTestServer.StartAsync();
        using var dir = new Lkm.Host.Tests.Api.TempFolder();
        string script = dir.Write("hooks.js", "function on_publish(ctx) { return true; }");
        var hookScript = server.Hooks.GetScript(script);
        for (int i = 0; i < 3; i++)
        {
            await server.Hooks.RunAsync(hookScript, HookEvent.OnPublish, new HookContext { Stream = "a", Protocol = "rtmp" }, HookOptions.Default, Ct);
        }

        var metrics = await ScrapeAsync(server);

        Assert.Equal(3, metrics.Value("lkm_hook_calls_total"));
        Assert.Equal("histogram", metrics.Types["lkm_hook_duration_seconds"]);
        Assert.Equal(3, metrics.Value("lkm_hook_duration_seconds_count"));
        Assert.Equal(3, metrics.Value("lkm_hook_duration_seconds_bucket", ("le", "+Inf")));
        Assert.True(metrics.Value("process_cpu_seconds_total") >= 0);
        Assert.True(metrics.Value("process_working_set_bytes") > 0);
        Assert.Contains(metrics.Samples, s => s.Name == "dotnet_collection_count_total");

        // A second scrape adds nothing that did not happen.
        var again = await ScrapeAsync(server);
        Assert.Equal(3, again.Value("lkm_hook_duration_seconds_count"));
    }

    [Fact]
    public async Task Gc_collections_pause_and_allocations_are_running_totals_read_at_scrape_time()
    {
        await using var server = await ApiTestServer.StartAsync();
        var before = await ScrapeAsync(server);
        byte[] garbage = new byte[4 << 20]; // lands on the large object heap: counted at once
        GC.KeepAlive(garbage);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var after = await ScrapeAsync(server);

        foreach (string name in new[] { "lkm_gc_collections_total", "lkm_gc_pause_seconds_total", "lkm_gc_allocated_bytes_total" })
        {
            Assert.Equal("counter", after.Types[name]);
        }

        static double Gen(PrometheusText m, string generation)
        {
            double? value = m.Value("lkm_gc_collections_total", ("generation", generation));
            Assert.NotNull(value);
            return value.Value;
        }

        // The test host's own GC (in-process server): other tests run alongside, so only lower bounds hold.
        Assert.True(Gen(after, "2") >= Gen(before, "2") + 1, "the forced gen2 collection is counted");
        Assert.True(Gen(after, "0") >= Gen(after, "1") && Gen(after, "1") >= Gen(after, "2"), "a collection of a generation collects the younger ones too");
        Assert.True(after.Value("lkm_gc_allocated_bytes_total") >= before.Value("lkm_gc_allocated_bytes_total") + garbage.Length);
        Assert.True(after.Value("lkm_gc_pause_seconds_total") > 0);
        Assert.True(after.Value("lkm_gc_pause_seconds_total") >= before.Value("lkm_gc_pause_seconds_total"));
    }
}

/// <summary>A temporary folder for a test's scripts.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lkm-api-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        string full = System.IO.Path.Combine(Path, name);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
