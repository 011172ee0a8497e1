using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Microsoft.Extensions.Logging;

namespace Lkm.Samples.MpegTs.Tests;

/// <summary>The plugin started in the SDK's test context, fed real ffmpeg TS over real UDP and TCP sockets.</summary>
public sealed class MpegTsPluginTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ts_over_udp_is_published_as_ts_port_with_h264_and_aac_tracks()
    {
        var ts = await TestStreams.H264AacAsync();
        int port = TestStreams.FreePort();
        var hub = new TestHub();
        await using var context = Context(hub, new() { ["ports"] = port.ToString(), ["receive_timeout"] = TimeSpan.FromMilliseconds(500) });
        await context.StartAsync(new MpegTsPlugin(), Ct);

        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await SendDatagramsAsync(udp, ts, port);

        var publisher = await hub.NextPublisherAsync(Wait);
        Assert.Equal($"ts/{port}", publisher.StreamId);
        Assert.Equal("mpegts", publisher.Request.Protocol);
        await publisher.TracksCompleted.WaitAsync(Wait, Ct);
        AssertTracks(publisher);

        // Silence ends the stream; the next datagram publishes it again.
        await publisher.Disposed.WaitAsync(Wait, Ct);
        Assert.True(publisher.PacketsOf(0).Count + publisher.PacketsOf(1).Count > 100);
        await SendDatagramsAsync(udp, ts, port);
        var again = await hub.NextPublisherAsync(Wait);
        Assert.Equal($"ts/{port}", again.StreamId);
        await again.TracksCompleted.WaitAsync(Wait, Ct);
        Assert.Contains(context.Logs.Entries, e => e.Message.Contains("nothing received for 0.5 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ts_over_tcp_is_published_per_connection_with_the_configured_stream_id()
    {
        var ts = await TestStreams.H264AacAsync();
        int port = TestStreams.FreePort();
        var hub = new TestHub();
        await using var context = Context(hub, new() { ["ports"] = new[] { $"{port}=live/tcp-cam" } });
        await context.StartAsync(new MpegTsPlugin(), Ct);

        using (var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, Ct);
            await tcp.SendAsync(ts, SocketFlags.None, Ct);
            var publisher = await hub.NextPublisherAsync(Wait);
            Assert.Equal("live/tcp-cam", publisher.StreamId);
            await publisher.TracksCompleted.WaitAsync(Wait, Ct);
            tcp.Shutdown(SocketShutdown.Send);
            await publisher.Disposed.WaitAsync(Wait, Ct);
            AssertTracks(publisher);
            Assert.Equal(50, publisher.PacketsOf(publisher.Tracks.Single(t => t.MediaType == MediaType.Video).Index).Count);
            Assert.Equal(ts.Length, publisher.BytesReceived);
        }

        await context.WhenConnectionsEndedAsync(Wait);
    }

    [Fact]
    public async Task Sources_that_are_not_ts_are_refused_with_a_log_line()
    {
        int port = TestStreams.FreePort();
        var hub = new TestHub();
        await using var context = Context(hub, new() { ["ports"] = port.ToString() });
        await context.StartAsync(new MpegTsPlugin(), Ct);

        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await udp.SendToAsync("GET / HTTP/1.1\r\n\r\n".PadRight(400, 'x').Select(c => (byte)c).ToArray(), SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port), Ct);
        using (var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, Ct);
            await tcp.SendAsync("\x16\x03\x01 not ts"u8.ToArray(), SocketFlags.None, Ct);
            var buffer = new byte[16];
            Assert.Equal(0, await tcp.ReceiveAsync(buffer, SocketFlags.None, Ct).AsTask().WaitAsync(Wait, Ct)); // closed by the plugin
        }

        await WaitUntilAsync(() => context.Logs.AtLeast(LogLevel.Warning).Count(e => e.Message.Contains("not MPEG-TS", StringComparison.Ordinal)) == 2,
            () => string.Join('\n', context.Logs.Entries.Select(e => e.Message)));
        Assert.Null(hub.Live($"ts/{port}"));
    }

    [Fact]
    public async Task A_refused_publish_is_logged_and_the_tcp_connection_closed()
    {
        var ts = await TestStreams.H264AacAsync();
        int port = TestStreams.FreePort();
        var hub = new TestHub { DenyPublish = _ => DenyReason.Forbidden };
        await using var context = Context(hub, new() { ["ports"] = port.ToString(), ["udp"] = false });
        await context.StartAsync(new MpegTsPlugin(), Ct);

        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await tcp.ConnectAsync(IPAddress.Loopback, port, Ct);
        await tcp.SendAsync(ts.AsMemory(0, 188 * 10), SocketFlags.None, Ct);
        Assert.Equal(0, await tcp.ReceiveAsync(new byte[16], SocketFlags.None, Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Contains(context.Logs.Entries, e => e.Message.Contains("refused (Forbidden", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_udp_publish_is_logged_once_and_asked_again_a_second_later()
    {
        var ts = await TestStreams.H264AacAsync();
        int port = TestStreams.FreePort();
        int asked = 0;
        var hub = new TestHub { DenyPublish = _ => Interlocked.Increment(ref asked) == 1 ? DenyReason.Forbidden : null };
        await using var context = Context(hub, new() { ["ports"] = port.ToString(), ["tcp"] = false });
        await context.StartAsync(new MpegTsPlugin(), Ct);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        var started = DateTime.UtcNow;
        var sending = Task.Run(async () =>
        {
            while (hub.Live($"ts/{port}") is null && DateTime.UtcNow - started < Wait)
            {
                await SendDatagramsAsync(udp, ts, port);
            }
        }, Ct);
        var publisher = await hub.NextPublisherAsync(Wait);
        await sending;

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "asked again before a second passed");
        Assert.Equal(2, asked);
        Assert.Single(context.Logs.Entries, e => e.Message.Contains("refused (Forbidden", StringComparison.Ordinal));
        await SendDatagramsAsync(udp, ts, port); // the publish may have come late in a round: once more from a keyframe
        await publisher.TracksCompleted.WaitAsync(Wait, Ct);
    }

    [Fact]
    public async Task Stopping_ends_the_udp_stream()
    {
        var ts = await TestStreams.H264AacAsync();
        int port = TestStreams.FreePort();
        var hub = new TestHub();
        await using var context = Context(hub, new() { ["ports"] = port.ToString(), ["tcp"] = false, ["receive_timeout"] = TimeSpan.FromMinutes(1) });
        var plugin = new MpegTsPlugin();
        await context.StartAsync(plugin, Ct);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await SendDatagramsAsync(udp, ts, port);
        var publisher = await hub.NextPublisherAsync(Wait);

        await plugin.StopAsync(Ct);

        Assert.True(publisher.Disposed.IsCompleted);
        Assert.Contains(context.Logs.Entries, e => e.Message.Contains("the plugin stopped", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_config_values_are_reported_not_thrown()
    {
        var config = new TestPluginConfig(new Dictionary<string, object>
        {
            ["ports"] = new[] { "10000", "70000", "abc", "10002=live/x", "10000" },
            ["listen"] = "not-an-ip",
            ["receive_timeout"] = TimeSpan.Zero,
        }, "mpegts");

        var options = MpegTsOptions.FromConfig(config);

        Assert.Equal([new MpegTsPort(10000, "ts/10000"), new MpegTsPort(10002, "live/x")], options.Ports);
        Assert.Equal("0.0.0.0", options.Listen);
        Assert.Equal(5, config.Errors.Count); // 70000, abc, the second 10000, listen, receive_timeout
        Assert.Contains(config.Errors, e => e.Contains("'70000' is not one", StringComparison.Ordinal));
        Assert.Contains(config.Errors, e => e.Contains("plugins.mpegts.listen", StringComparison.Ordinal));
        Assert.Empty(config.UnreadKeys);
    }

    [Fact]
    public void Defaults_listen_on_port_10000_for_ts_10000_and_a_comma_list_works_for_set()
    {
        Assert.Equal([new MpegTsPort(10000, "ts/10000")], MpegTsOptions.FromConfig(new TestPluginConfig(null, "mpegts")).Ports);
        var options = MpegTsOptions.FromConfig(new TestPluginConfig(new Dictionary<string, object> { ["ports"] = "11000, 11002=cam/2", ["stream"] = "mpegts/{port}" }, "mpegts"));
        Assert.Equal([new MpegTsPort(11000, "mpegts/11000"), new MpegTsPort(11002, "cam/2")], options.Ports);
    }

    private static TestPluginContext Context(TestHub hub, Dictionary<string, object> config)
    {
        config["listen"] = "127.0.0.1";
        return new TestPluginContext(hub, config, "mpegts");
    }

    private static void AssertTracks(RecordingPublisher publisher)
    {
        Assert.Equal(2, publisher.Tracks.Count);
        var video = publisher.Tracks.Single(t => t.MediaType == MediaType.Video);
        Assert.Equal((CodecId.H264, 320, 240), (video.Codec, video.Width, video.Height));
        var audio = publisher.Tracks.Single(t => t.MediaType == MediaType.Audio);
        Assert.Equal((CodecId.Aac, 48000, 2), (audio.Codec, audio.SampleRate, audio.Channels));
        Assert.True(publisher.PacketsOf(video.Index)[0].IsKeyFrame);
    }

    // 7 TS packets a datagram, as ffmpeg's udp:// output with pkt_size=1316 sends them, a little paced so loopback keeps up.
    private static async Task SendDatagramsAsync(Socket udp, byte[] ts, int port)
    {
        var target = new IPEndPoint(IPAddress.Loopback, port);
        for (int offset = 0, n = 0; offset < ts.Length; offset += 1316, n++)
        {
            await udp.SendToAsync(ts.AsMemory(offset, Math.Min(1316, ts.Length - offset)), SocketFlags.None, target, Ct);
            if (n % 16 == 15)
            {
                await Task.Delay(1, Ct);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time: " + state());
            await Task.Delay(20, Ct);
        }
    }
}
