using System.Net;
using System.Text.Json;
using Lkm.Interop.Tests.ApiSupport;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>The HTTP API and /metrics of the real host, with ffmpeg publishing over RTMP and HTTP-FLV players.</summary>
public sealed class ApiTests
{
    private static bool IsLive(JsonElement sources, string id) =>
        sources.EnumerateArray().Any(s => s.GetProperty("id").GetString() == id && s.GetProperty("live").GetBoolean() && s.GetProperty("bitrate").GetInt64() > 0);

    [Fact]
    public async Task Source_and_sink_calls_list_and_close_real_publishers_and_players()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        using var api = new ApiClient(host.HttpPort);
        await using var ffmpeg = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/api"));

        var sources = await api.WaitForAsync("/api/v1/source/list", s => IsLive(s, "live/api"), "the stream to be live with a bitrate");
        var source = sources.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "live/api");
        Assert.Equal("rtmp", source.GetProperty("protocol").GetString());
        Assert.Equal(["h264", "aac"], source.GetProperty("tracks").EnumerateArray().Select(t => t.GetString()));
        Assert.InRange(source.GetProperty("bitrate").GetInt64(), 100, 5000); // 600k video + 64k audio
        Assert.Equal(640, source.GetProperty("track_details")[0].GetProperty("width").GetInt32());

        await using var player = await FlvReader.StartAsync(host.FlvUrl("live/api"));
        var sinks = await api.WaitForAsync("/api/v1/sink/list", s => s.GetArrayLength() == 1, "one player", body: new { source = "live/api" });
        var sink = sinks[0];
        Assert.Equal("flv", sink.GetProperty("protocol").GetString());
        Assert.StartsWith("127.0.0.1:", sink.GetProperty("remote_addr").GetString());
        var stats = await api.DataAsync("/api/v1/streams/statistics");
        var item = stats.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "live/api");
        Assert.Equal(1, item.GetProperty("players_by_protocol").GetProperty("flv").GetInt32());
        Assert.True(item.GetProperty("bitrate_in_kbps").GetDouble() > 0);
        Assert.True(item.GetProperty("uptime_seconds").GetDouble() > 0);

        // sink/close disconnects the player: its response ends.
        await api.DataAsync("/api/v1/sink/close", new { source = "live/api", sink = sink.GetProperty("id").GetString() });
        await player.Ended.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await api.WaitForAsync("/api/v1/sink/list", s => s.GetArrayLength() == 0, "no players", body: new { source = "live/api" });

        // source/close stops the publisher: ffmpeg loses its connection and exits.
        await api.DataAsync("/api/v1/source/close?source=live/api");
        await ffmpeg.WaitAsync(TimeSpan.FromSeconds(5));
        await api.WaitForAsync("/api/v1/source/list", s => !s.EnumerateArray().Any(x => x.GetProperty("id").GetString() == "live/api"), "the stream to be gone");
    }

    [Fact]
    public async Task Plugins_and_server_info_describe_the_running_host()
    {
        await using var host = await HostProcess.StartAsync();
        using var api = new ApiClient(host.HttpPort);

        var plugins = await api.DataAsync("/api/v1/plugins");
        var info = await api.DataAsync("/api/v1/server/info");

        var rtmp = plugins.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "rtmp");
        Assert.Equal("running", rtmp.GetProperty("state").GetString());
        Assert.EndsWith("Lkm.Plugins.Rtmp.dll", rtmp.GetProperty("assembly_path").GetString());
        Assert.Equal(host.RtmpPort, rtmp.GetProperty("listeners")[0].GetProperty("port").GetInt32());
        Assert.Contains(plugins.EnumerateArray(), p => p.GetProperty("name").GetString() == "flv");
        Assert.Equal(RepoPaths.ShippedConfig, info.GetProperty("config_file").GetString());
        Assert.Equal(host.HttpPort, info.GetProperty("http_port").GetInt32());
        Assert.Matches(@"^\d+\.\d+\.\d+", info.GetProperty("version").GetString());
        Assert.Contains(info.GetProperty("listeners").EnumerateArray(), l => l.GetProperty("name").GetString() == "rtmp" && l.GetProperty("port").GetInt32() == host.RtmpPort);
    }

    [Fact]
    public async Task With_a_token_and_a_separate_listener_the_api_needs_the_token_and_media_is_unaffected()
    {
        _ = ExternalTools.Ffmpeg;
        int apiPort = FreePort.Next();
        await using var host = await HostProcess.StartAsync("api.token=t0ken", $"api.listen=127.0.0.1:{apiPort}");
        using var anonymous = new ApiClient(apiPort);
        using var wrong = new ApiClient(apiPort, "nope");
        using var api = new ApiClient(apiPort, "t0ken");
        using var onMediaPort = new ApiClient(host.HttpPort, "t0ken");

        var (noToken, noTokenBody) = await anonymous.GetAsync("/api/v1/source/list");
        var (wrongToken, _) = await wrong.GetAsync("/api/v1/streams/statistics");
        var (metricsNoToken, _) = await anonymous.GetTextAsync("/metrics");
        var (mediaPortApi, _) = await onMediaPort.GetTextAsync("/api/v1/source/list");
        var (console, html) = await anonymous.GetTextAsync("/");

        Assert.Equal(HttpStatusCode.Unauthorized, noToken);
        Assert.Equal(-1, noTokenBody.GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken);
        Assert.Equal(HttpStatusCode.Unauthorized, metricsNoToken);
        Assert.Equal(HttpStatusCode.NotFound, mediaPortApi); // the API lives on api.listen only
        Assert.Equal(HttpStatusCode.OK, console);
        Assert.Contains("flv-player.js", html);
        Assert.Equal("t0ken".Length > 0, (await api.DataAsync("/api/v1/server/info")).GetProperty("auth_required").GetBoolean());
        _ = await api.ScrapeAsync();

        // Media needs no token, and is not served on the API listener.
        await using var ffmpeg = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/tok"));
        await api.WaitForAsync("/api/v1/source/list", s => IsLive(s, "live/tok"), "the stream to be live");
        await using var player = await FlvReader.StartAsync(host.FlvUrl("live/tok"));
        Assert.Equal("FLV"u8.ToArray(), player.Head[..3]);
        var (flvOnApiPort, _) = await anonymous.GetTextAsync("/live/tok.flv");
        Assert.Equal(HttpStatusCode.NotFound, flvOnApiPort);
    }

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_the_player_gauge_follows_players()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        using var api = new ApiClient(host.HttpPort);
        await using var ffmpeg = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/metrics"));
        await api.WaitForAsync("/api/v1/source/list", s => IsLive(s, "live/metrics"), "the stream to be live");

        static double Players(PrometheusText m) => m.Value("lkm_players", ("protocol", "flv")) ?? 0;
        async Task<PrometheusText> WaitForPlayersAsync(double expected)
        {
            for (int i = 0; i < 50; i++)
            {
                var m = await api.ScrapeAsync();
                if (Players(m) == expected)
                {
                    return m;
                }

                await Task.Delay(100);
            }

            Assert.Fail($"lkm_players{{protocol=\"flv\"}} never became {expected}");
            return null!;
        }

        var none = await WaitForPlayersAsync(0);
        Assert.Equal(1, none.Value("lkm_publishers", ("protocol", "rtmp")));
        Assert.True(none.Value("lkm_stream_bitrate_in_kbps", ("stream", "live/metrics")) > 0);
        Assert.Equal("counter", none.Types["lkm_stream_bytes_in_total"]);
        Assert.Equal("histogram", none.Types["lkm_hook_duration_seconds"]);
        Assert.True(none.Value("lkm_hook_calls_total") >= 1); // on_publish ran
        Assert.Equal(1, none.Value("lkm_plugin_state", ("plugin", "rtmp"), ("state", "running")));
        Assert.True(none.Value("process_working_set_bytes") > 0);

        var first = await FlvReader.StartAsync(host.FlvUrl("live/metrics"));
        var second = await FlvReader.StartAsync(host.FlvUrl("live/metrics"));
        var two = await WaitForPlayersAsync(2);
        Assert.Equal(2, two.Value("lkm_stream_players", ("stream", "live/metrics")));
        await first.DisposeAsync();
        await WaitForPlayersAsync(1);
        await second.DisposeAsync();
        var zero = await WaitForPlayersAsync(0);
        Assert.True(zero.Value("lkm_stream_bytes_out_total", ("stream", "live/metrics")) > 0);
    }
}
