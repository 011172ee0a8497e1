using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;
using Lkm.DeviceSim.Tests.Support;
using Lkm.Sdk.MpegPs;

namespace Lkm.DeviceSim.Tests.Gb;

/// <summary>A device fed from memory over each transport: RTP header by header, then the PS demuxed back into the frames sent.</summary>
public sealed class GbDeviceTransportTests
{
    private static readonly PlaybackOptions Unpaced = new() { Speed = 0 };

    [Theory]
    [InlineData(GbTransport.Udp)]
    [InlineData(GbTransport.Tcp)]
    [InlineData(GbTransport.TcpListen)]
    public async Task Sends_rtp_whose_ps_demuxes_back_into_the_same_frames(GbTransport transport)
    {
        // A first IDR over 64 KiB (split over PES, ~50 packets), then GOPs of 10 frames, and AAC.
        var units = SyntheticMedia.Build(1.0, firstIdrSize: 70_000);
        var feed = new MemoryMediaFeed(SyntheticMedia.Format, units);

        var (device, capture) = await DeviceRun.RunAsync(transport, feed, new GbDeviceOptions { Ssrc = 123_456_789 }, Unpaced);

        var packets = capture.Packets;
        Assert.Equal(device.PacketsSent, packets.Count);
        Assert.Equal(units.Count, device.FramesSent);
        var ps = RtpChecks.CheckStream(packets, 123_456_789, units.Count);
        Assert.All(packets, p => Assert.InRange(p.Payload.Length, 1, 1400));
        Assert.Contains(packets, p => p.Payload.Length == 1400);

        var frames = RtpChecks.Demux(ps);
        Assert.Equal(units.Count, frames.Count);
        var video = frames.Where(f => f.IsVideo).ToList();
        var audio = frames.Where(f => !f.IsVideo).ToList();
        var sentVideo = units.Where(u => u.IsVideo).ToList();
        var sentAudio = units.Where(u => !u.IsVideo).ToList();
        Assert.Equal(sentVideo.Count, video.Count);
        Assert.Equal(sentAudio.Count, audio.Count);
        for (int i = 0; i < video.Count; i++)
        {
            Assert.Equal(PsStreamType.H264, video[i].StreamType);
            Assert.Equal(sentVideo[i].Pts90, video[i].Pts);
            Assert.Equal(sentVideo[i].Data.ToArray(), video[i].Data);
        }

        for (int i = 0; i < audio.Count; i++)
        {
            Assert.Equal(PsStreamType.AacAdts, audio[i].StreamType);
            Assert.Equal(sentAudio[i].Pts90, audio[i].Pts);
            Assert.Equal(sentAudio[i].Data.ToArray(), audio[i].Data);
        }

        // The RTP time stamp is the frame's DTS (from 0).
        Assert.Equal(units.Select(u => (uint)u.Dts90), packets.Where(p => p.Header.Marker).Select(p => p.Header.Timestamp));
    }

    [Fact]
    public async Task Payload_type_first_sequence_and_mtu_are_the_options()
    {
        var units = SyntheticMedia.Build(0.4);
        var options = new GbDeviceOptions { Ssrc = uint.MaxValue, PayloadType = 100, MaxPayload = 500, FirstSequence = 65530 };

        var (_, capture) = await DeviceRun.RunAsync(GbTransport.Tcp, new MemoryMediaFeed(SyntheticMedia.Format, units), options, Unpaced);

        var packets = capture.Packets;
        Assert.Equal(65530, packets[0].Header.SequenceNumber);
        Assert.Contains(packets, p => p.Header.SequenceNumber == 0); // wrapped
        Assert.All(packets, p => Assert.True(p.Payload.Length <= 500));
        RtpChecks.CheckStream(packets, uint.MaxValue, units.Count, payloadType: 100);
    }

    [Fact]
    public async Task Loop_keeps_time_stamps_rising_and_sequence_numbers_going()
    {
        var units = SyntheticMedia.Build(0.4); // 10 video frames, one GOP
        var playback = new PlaybackOptions { Speed = 0, Loop = true, Duration = TimeSpan.FromSeconds(1.0) };

        var (_, capture) = await DeviceRun.RunAsync(GbTransport.Tcp, new MemoryMediaFeed(SyntheticMedia.Format, units), new GbDeviceOptions { Ssrc = 7 }, playback);

        var packets = capture.Packets;
        var frames = RtpChecks.Demux(RtpChecks.CheckStream(packets, 7, packets.Count(p => p.Header.Marker)));
        var video = frames.Where(f => f.IsVideo).ToList();
        Assert.Equal(25, video.Count); // 1 s at 25 fps: 2.5 passes
        for (int i = 0; i < video.Count; i++)
        {
            Assert.Equal(i * SyntheticMedia.VideoStep, video[i].Pts);
        }

        var audio = frames.Where(f => !f.IsVideo).Select(f => f.Pts!.Value).ToList();
        Assert.True(audio.SequenceEqual(audio.Order()) && audio.Distinct().Count() == audio.Count, "audio time stamps rise across the loops");
        Assert.True(audio[^1] > 80_000);
    }

    [Fact]
    public async Task Real_time_pacing_takes_about_the_media_duration()
    {
        var units = SyntheticMedia.Build(2.0);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (device, capture) = await DeviceRun.RunAsync(GbTransport.Udp, new MemoryMediaFeed(SyntheticMedia.Format, units), new GbDeviceOptions { Ssrc = 5 }, new PlaybackOptions());

        var elapsed = started.Elapsed - TimeSpan.FromMilliseconds(300); // DeviceRun waits 300 ms for the last datagrams
        Assert.InRange(elapsed.TotalSeconds, 1.5, 4.0);
        Assert.Equal(device.PacketsSent, capture.Packets.Count);
    }

    [Fact]
    public async Task A_refused_tcp_connection_fails_the_run_naming_the_target()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closed = (System.Net.IPEndPoint)listener.LocalEndpoint;
        listener.Stop();
        var device = new GbDevice(new GbDeviceOptions { Transport = GbTransport.Tcp, Target = closed }, SyntheticMedia.Feed(0.2), Unpaced);

        var ex = await Assert.ThrowsAsync<IOException>(() => device.RunAsync(TestContext.Current.CancellationToken));
        Assert.Contains(closed.ToString(), ex.Message, StringComparison.Ordinal);
    }
}
