using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Sdk.Testing.Rtmp;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// Hostile RTMP input closes that connection with a log line; the server keeps serving other
/// streams and its memory stays bounded.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Hostile_rtmp_connections_are_closed_while_other_streams_keep_playing()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/good"));
        await host.WaitForLogAsync(l => l.Contains("live/good: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var player = FlvCapture.HttpAsync(host.HttpPort, "live/good.flv", TimeSpan.FromSeconds(14));
        var ct = TestContext.Current.CancellationToken;

        var attacks = new List<(string Name, Task<bool> Closed)>
        {
            ("random bytes", RandomBytesAsync(host.RtmpPort)),
            ("truncated handshake", TruncatedHandshakeAsync(host.RtmpPort)),
            ("chunk size 0x7FFFFFFF", HugeChunkSizeAsync(host.RtmpPort)),
            ("16 MB message", HugeMessageAsync(host.RtmpPort)),
            ("unknown csid storm", CsidStormAsync(host.RtmpPort)),
        };

        foreach (var (name, closed) in attacks)
        {
            Assert.True(await closed, $"{name}: the server did not close the connection");
        }

        var summary = FlvCheck.Validate(await player);
        Assert.True(summary.LastTimestamp - summary.FirstVideoTimestamp >= 12_000, $"the good stream's player got only {summary.LastTimestamp - summary.FirstVideoTimestamp} ms of media during the attacks");
        Assert.False(host.HasExited, "the server died");
        Assert.False(publisher.HasExited, "the good publisher was disconnected: " + publisher.Stderr);

        // One log line per hostile connection (rtmp plugin warnings name the peer).
        int warnings = host.Log.Count(l => l.Contains("WARN", StringComparison.Ordinal) && l.Contains("rtmp", StringComparison.OrdinalIgnoreCase));
        Assert.True(warnings >= attacks.Count, $"expected a warning per hostile connection, got {warnings}:\n{host.LogText}");
        Assert.True(host.RssBytes < 400L * 1024 * 1024, $"server RSS {host.RssBytes / (1024 * 1024)} MiB after the attacks");
        await Task.CompletedTask.WaitAsync(ct);
    }

    private static async Task<bool> RandomBytesAsync(int port)
    {
        await using var c = await RawRtmpClient.ConnectAsync(port);
        var junk = new byte[64 * 1024];
        new Random(1).NextBytes(junk);
        junk[0] = 0x47; // not an RTMP version
        try
        {
            await c.Stream.WriteAsync(junk);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return true;
        }

        return await c.WaitClosedAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<bool> TruncatedHandshakeAsync(int port)
    {
        await using var c = await RawRtmpClient.ConnectAsync(port);
        var half = new byte[700];
        half[0] = 3;
        await c.Stream.WriteAsync(half);
        // Then silence: the server must give up on its own (handshake timeout).
        return await c.WaitClosedAsync(TimeSpan.FromSeconds(20));
    }

    private static async Task<bool> HugeChunkSizeAsync(int port)
    {
        await using var c = await RawRtmpClient.ConnectAsync(port);
        await c.HandshakeAsync();
        var msg = RawRtmpClient.Fmt0Header(2, 0, 4, 1, 0).Concat(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF }).ToArray();
        await c.Stream.WriteAsync(msg);
        return await c.WaitClosedAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<bool> HugeMessageAsync(int port)
    {
        await using var c = await RawRtmpClient.ConnectAsync(port);
        await c.HandshakeAsync();
        await WriteSlowlyAsync(c, RawRtmpClient.Fmt0Header(3, 0, 16 * 1024 * 1024 - 1, 20, 0), 1024 * 1024);
        return await c.WaitClosedAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<bool> CsidStormAsync(int port)
    {
        await using var c = await RawRtmpClient.ConnectAsync(port);
        await c.HandshakeAsync();
        try
        {
            // Thousands of chunk streams, each with a started message that never completes.
            for (int csid = 64; csid < 64 + 20_000; csid++)
            {
                int id = csid - 64;
                byte[] basic = [1, (byte)(id & 0xFF), (byte)(id >> 8)];
                var header = RawRtmpClient.Fmt0Header(3, 0, 1000, 9, 1)[1..];
                await c.Stream.WriteAsync(basic.Concat(header).Concat(new byte[128]).ToArray());
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return true;
        }

        return await c.WaitClosedAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WriteSlowlyAsync(RawRtmpClient c, byte[] header, int total)
    {
        var block = new byte[16 * 1024];
        try
        {
            await c.Stream.WriteAsync(header);
            for (int sent = 0; sent < total; sent += block.Length)
            {
                await c.Stream.WriteAsync(block);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Closed by the server mid-way: what we want.
        }
    }
}
