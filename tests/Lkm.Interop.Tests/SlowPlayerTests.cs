using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>A player that stops reading is disconnected once its queue passes the bound; the others keep full rate.</summary>
public sealed class SlowPlayerTests
{
    [Fact]
    public async Task Stalled_player_is_disconnected_while_another_keeps_full_rate()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync("defaults.player_max_lag=2s", "defaults.player_max_queue=1MB");
        // A noisy picture makes the encoder use its whole bitrate, so kernel buffers fill in seconds.
        await using var publisher = FfmpegProcess.Start(ExternalTools.Ffmpeg,
        [
            "-hide_banner", "-nostats", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25,noise=alls=60:allf=t",
            "-f", "lavfi", "-i", "sine=sample_rate=44100",
            "-t", "120", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25",
            "-b:v", "6M", "-maxrate", "6M", "-bufsize", "2M", "-c:a", "aac", "-f", "flv", host.RtmpUrl("live/slow"),
        ]);
        await host.WaitForLogAsync(l => l.Contains("live/slow: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        // The stalled player: a tiny receive window and it never reads.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, host.HttpPort, TestContext.Current.CancellationToken);
        int stalledPort = ((IPEndPoint)stalled.LocalEndPoint!).Port;
        await stalled.SendAsync(Encoding.ASCII.GetBytes("GET /live/slow.flv HTTP/1.1\r\nHost: x\r\n\r\n"), TestContext.Current.CancellationToken);
        var stalledSince = Stopwatch.StartNew();

        // The healthy player reads everything meanwhile.
        var healthy = FlvCapture.HttpAsync(host.HttpPort, "live/slow.flv", TimeSpan.FromSeconds(14));

        string dropped = await host.WaitForLogAsync(l => l.Contains("too slow", StringComparison.Ordinal) && l.Contains($":{stalledPort}", StringComparison.Ordinal), TimeSpan.FromSeconds(25));
        TimeSpan dropAfter = stalledSince.Elapsed;

        // The stalled socket really is closed by the server: drain it and hit EOF/reset.
        var buffer = new byte[1 << 20];
        bool closed = false;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                while (await stalled.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
                {
                }

                closed = true;
            }
            catch (SocketException)
            {
                closed = true;
            }
        }

        var summary = FlvCheck.Validate(await healthy);
        TestContext.Current.TestOutputHelper?.WriteLine($"stalled player dropped after {dropAfter.TotalSeconds:0.0} s: {dropped}; healthy player got {summary.LastTimestamp - summary.FirstVideoTimestamp} ms of media in 14 s");
        Assert.True(closed, "the stalled player's connection was not closed by the server");
        Assert.True(dropAfter < TimeSpan.FromSeconds(25));

        // Full rate: about 14 s of media arrived in 14 s (the GOP cache adds up to 1 s at the start).
        long mediaMs = summary.LastTimestamp - summary.FirstVideoTimestamp;
        Assert.True(mediaMs >= 12_000, $"the healthy player got only {mediaMs} ms of media in 14 s");
        Assert.DoesNotContain(host.Log, l => l.Contains("too slow", StringComparison.Ordinal) && !l.Contains($":{stalledPort}", StringComparison.Ordinal));
    }
}
