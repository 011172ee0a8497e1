using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>A route's player_max_queue applies to the players of its streams, and only to them.</summary>
public sealed class RoutePlayerLimitTests
{
    [Fact]
    public async Task A_route_with_a_64KB_queue_drops_its_stalled_player_while_another_streams_stalled_player_stays()
    {
        _ = ExternalTools.Ffmpeg;
        using var dir = new TempDir();
        await using var host = await HostProcess.StartWithConfigAsync(dir.Write("lkm.yaml", """
            hooks:
              script: ""
            defaults:
              player_max_lag: 60s
            routes:
              - match: "small/**"
                player_max_queue: 64KB
            """));

        // A noisy picture makes the encoder use its whole bitrate, so kernel buffers fill in seconds.
        await using var small = FfmpegProcess.Start(ExternalTools.Ffmpeg,
        [
            "-hide_banner", "-nostats", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25,noise=alls=60:allf=t",
            "-t", "120", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25",
            "-b:v", "6M", "-maxrate", "6M", "-bufsize", "2M", "-f", "flv", host.RtmpUrl("small/cam"),
        ]);
        await using var big = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/cam"));
        await host.WaitForLogAsync(l => l.Contains("small/cam: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        await host.WaitForLogAsync(l => l.Contains("live/cam: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        using var stalledSmall = await StalledPlayerAsync(host.HttpPort, "small/cam");
        using var stalledBig = await StalledPlayerAsync(host.HttpPort, "live/cam");
        int smallPort = ((IPEndPoint)stalledSmall.LocalEndPoint!).Port;
        int bigPort = ((IPEndPoint)stalledBig.LocalEndPoint!).Port;
        var clock = Stopwatch.StartNew();

        string dropped = await host.WaitForLogAsync(l => l.Contains("too slow", StringComparison.Ordinal) && l.Contains($":{smallPort}", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        TestContext.Current.TestOutputHelper?.WriteLine($"dropped after {clock.Elapsed.TotalSeconds:0.0} s: {dropped}");
        Assert.Contains("small/cam", dropped, StringComparison.Ordinal);

        // The other stream's player (16MB, the defaults) has not been touched, a while later too.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(host.Log, l => l.Contains("too slow", StringComparison.Ordinal) && l.Contains($":{bigPort}", StringComparison.Ordinal));
        using var http = new HttpClient();
        using var sinks = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{host.HttpPort}/api/v1/sink/list?source=live/cam", TestContext.Current.CancellationToken));
        Assert.Contains(sinks.RootElement.GetProperty("data").EnumerateArray(), s => s.GetProperty("remote_addr").GetString()!.EndsWith($":{bigPort}", StringComparison.Ordinal));
    }

    /// <summary>An HTTP-FLV player with a tiny receive window that never reads.</summary>
    private static async Task<Socket> StalledPlayerAsync(int port, string id)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /{id}.flv HTTP/1.1\r\nHost: x\r\n\r\n"), TestContext.Current.CancellationToken);
        return socket;
    }
}
