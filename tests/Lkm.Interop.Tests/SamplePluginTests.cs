using System.Text.Json;
using Lkm.Interop.Tests.ApiSupport;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// Issue 11's third-party plugin in the real host: samples/Lkm.Samples.MpegTs, built by samples/build.sh against the
/// packed Lkm.Sdk package alone, dropped into a running server's plugin folder, fed MPEG-TS by real ffmpeg over UDP
/// and TCP, and played back by real ffprobe over HTTP-FLV and RTMP.
/// </summary>
public sealed class SamplePluginTests
{
    private static string BuiltPlugins => RepoPaths.File("host", "Lkm.Host", "bin", RepoPaths.Configuration, "net10.0", "plugins");

    [Fact]
    public async Task The_sample_plugin_dropped_into_a_running_server_ingests_mpegts_over_udp_and_tcp()
    {
        _ = ExternalTools.Ffmpeg;
        string sample = await SamplePlugin.MpegTsAsync();
        using var dir = new TempDir();
        string plugins = CopyBuiltPlugins(dir);
        int udpPort = FreePort.Next(), tcpPort = FreePort.Next();

        // The section is there from the start (as an operator adds it before dropping the plugin in); no such plugin yet.
        await using var host = await HostProcess.StartAsync($"plugins.dir={plugins}", $"plugins.mpegts.ports={udpPort},{tcpPort}");
        using var api = new ApiClient(host.HttpPort);
        Assert.Empty(MpegTs(await api.DataAsync("/api/v1/plugins")));

        // Dropped in whole: copied beside the plugin folder, then moved into it in one step.
        string staging = Path.Combine(dir.Path, "staging");
        SamplePlugin.CopyFolder(sample, staging);
        Directory.Move(staging, Path.Combine(plugins, "Lkm.Samples.MpegTs"));
        var rows = await api.WaitForAsync("/api/v1/plugins", p => MpegTs(p).Any(r => r.GetProperty("state").GetString() == "running"),
            "the mpegts plugin to be loaded and running", TimeSpan.FromSeconds(10));
        Assert.Equal("1.0.0.0", MpegTs(rows).Single(r => r.GetProperty("state").GetString() == "running").GetProperty("version").GetString());

        await using var udp = PushTs($"udp://127.0.0.1:{udpPort}?pkt_size=1316");
        await using var tcp = PushTs($"tcp://127.0.0.1:{tcpPort}");
        await WaitLiveAsync(api, $"ts/{udpPort}");
        await WaitLiveAsync(api, $"ts/{tcpPort}");

        foreach (string id in new[] { $"ts/{udpPort}", $"ts/{tcpPort}" })
        {
            Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(host.FlvUrl(id)), "h264", 320, 240, "aac", 44100);
            Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(host.RtmpUrl(id)), "h264", 320, 240, "aac", 44100);
        }

        Assert.False(udp.HasExited, "ffmpeg's UDP push stopped: " + udp.Stderr);
        Assert.False(tcp.HasExited, "ffmpeg's TCP push stopped: " + tcp.Stderr);
        Assert.Contains(host.Log, l => l.Contains($"publishing ts/{udpPort}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sample_plugin_in_the_plugin_folder_at_start_ingests_mpegts_over_tcp()
    {
        _ = ExternalTools.Ffmpeg;
        string sample = await SamplePlugin.MpegTsAsync();
        using var dir = new TempDir();
        string plugins = CopyBuiltPlugins(dir);
        SamplePlugin.CopyFolder(sample, Path.Combine(plugins, "Lkm.Samples.MpegTs"));
        int port = FreePort.Next();

        await using var host = await HostProcess.StartAsync($"plugins.dir={plugins}", $"plugins.mpegts.ports={port}=live/from-ts", "plugins.mpegts.udp=false");
        using var api = new ApiClient(host.HttpPort);
        Assert.Single(MpegTs(await api.DataAsync("/api/v1/plugins")), r => r.GetProperty("state").GetString() == "running");

        await using var tcp = PushTs($"tcp://127.0.0.1:{port}");
        await WaitLiveAsync(api, "live/from-ts");
        Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(host.FlvUrl("live/from-ts")), "h264", 320, 240, "aac", 44100);
    }

    [Fact]
    public async Task The_sample_plugins_own_tests_pass_against_the_packed_test_kit()
    {
        _ = ExternalTools.Ffmpeg;
        var result = await SamplePlugin.RunSampleTestsAsync();
        Assert.True(result.ExitCode == 0, $"samples/build.sh --test failed ({result.ExitCode}):\n{result.StdOut}\n{result.StdErr}");
        Assert.Matches(@"succeeded: [1-9]", result.StdOut);
        Assert.Contains("failed: 0", result.StdOut, StringComparison.Ordinal);
    }

    private static FfmpegProcess PushTs(string url) => FfmpegProcess.Start(ExternalTools.Ffmpeg,
    [
        "-hide_banner", "-nostats", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100",
        "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "25",
        "-c:a", "aac", "-b:a", "64k", "-f", "mpegts", url,
    ]);

    private static Task WaitLiveAsync(ApiClient api, string id) =>
        api.WaitForAsync("/api/v1/source/list", s => s.EnumerateArray().Any(x => x.GetProperty("id").GetString() == id && x.GetProperty("live").GetBoolean()),
            $"{id} to be live", TimeSpan.FromSeconds(20));

    private static IEnumerable<JsonElement> MpegTs(JsonElement rows) =>
        rows.EnumerateArray().Where(r => r.GetProperty("name").GetString() == "mpegts");

    private static string CopyBuiltPlugins(TempDir dir)
    {
        string plugins = Path.Combine(dir.Path, "plugins");
        foreach (string folder in Directory.GetDirectories(BuiltPlugins))
        {
            SamplePlugin.CopyFolder(folder, Path.Combine(plugins, Path.GetFileName(folder)));
        }

        return plugins;
    }
}
