using System.Buffers.Binary;
using System.Net;
using Lkm.Bench.Net;
using Lkm.Bench.Play;
using Lkm.Bench.Rtmp;
using Lkm.Bench.Tests.Support;

namespace Lkm.Bench.Tests.Play;

public sealed class RtmpPlayerTests
{
    [Fact]
    public async Task Plays_follows_chunk_size_answers_pings_acknowledges_the_window_and_times_the_key_frame()
    {
        await using var server = new FakeRtmpServer();
        var url = StreamUrl.Parse($"rtmp://127.0.0.1:{server.Port}/live/cam%d?token=x");
        var clock = new RunClock(RunClock.Now, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        var stats = new PlayerStats(7, 0, url.Protocol, url.Display(7), clock);
        using var runEnd = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await PlayerRunner.RunAsync(url, new IPEndPoint(IPAddress.Loopback, server.Port), stats, null, runEnd.Token);

        Assert.Null(stats.Error);
        Assert.True(stats.HasKeyframe);
        Assert.InRange(stats.FirstKeyframeMs!.Value, 0, 500);
        Assert.Equal(3, stats.Tags); // sequence header, key frame, audio
        Assert.Equal(1, stats.Keyframes);
        Assert.Equal(5 + 10_002 + 3, stats.MediaBytes);

        var messages = server.Snapshot();
        var play = Assert.Single(messages, m => m.Values is ["play", ..]);
        Assert.Equal("cam7?token=x", play.Values![3]);
        var connect = Assert.Single(messages, m => m.Values is ["connect", ..]);
        Assert.Equal($"rtmp://127.0.0.1:{server.Port}/live", ((Lkm.Sdk.Amf.Amf0Object)connect.Values![2]!)["tcUrl"]);

        // Ping Response (event 7) echoing 1234, and an Acknowledgement once half the 5000-byte window was received.
        Assert.Contains(messages, m => m.Type == RtmpMessageType.UserControl && m.Bytes is [0, 7, 0, 0, 0x04, 0xD2]);
        var acks = messages.Where(m => m.Type == RtmpMessageType.Acknowledgement).Select(m => BinaryPrimitives.ReadUInt32BigEndian(m.Bytes)).ToArray();
        Assert.NotEmpty(acks);
        Assert.True(acks[0] >= FakeRtmpServer.WindowAckSize / 2, $"first acknowledgement at {acks[0]} bytes");
        Assert.Equal(acks.Order(), acks);
        Assert.Contains(messages, m => m.Type == RtmpMessageType.WindowAckSize);
    }
}
