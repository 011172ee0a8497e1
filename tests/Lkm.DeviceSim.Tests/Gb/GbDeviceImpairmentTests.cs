using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;
using Lkm.DeviceSim.Tests.Support;
using Lkm.Sdk.Codecs;

namespace Lkm.DeviceSim.Tests.Gb;

/// <summary>Drop, reorder, late audio and early audio. Over TCP, so what arrives is exactly what the device sent.</summary>
public sealed class GbDeviceImpairmentTests
{
    private static MemoryMediaFeed Feed(double seconds) => new(SyntheticMedia.Format, SyntheticMedia.Build(seconds, idrSize: 12_000, pSize: 3000));

    [Fact]
    public async Task Drop_10_percent_leaves_about_that_share_of_sequence_numbers_missing()
    {
        var options = new GbDeviceOptions { Ssrc = 9, DropPercent = 10, Seed = 1 };

        var (device, capture) = await DeviceRun.RunAsync(GbTransport.Tcp, Feed(2), options, new PlaybackOptions { Speed = 0 });

        var packets = capture.Packets;
        long total = device.PacketsSent + device.PacketsDropped;
        Assert.True(total > 250, $"only {total} packets");
        Assert.Equal(device.PacketsSent, packets.Count);
        Assert.InRange(device.PacketsDropped / (double)total, 0.05, 0.15);
        int gaps = 0;
        for (int i = 1; i < packets.Count; i++)
        {
            ushort expected = (ushort)(packets[i - 1].Header.SequenceNumber + 1);
            Assert.True(IsAfter(packets[i].Header.SequenceNumber, packets[i - 1].Header.SequenceNumber), "dropping never reorders");
            gaps += packets[i].Header.SequenceNumber != expected ? 1 : 0;
        }

        Assert.True(gaps > 0);
        int missing = (ushort)(packets[^1].Header.SequenceNumber - packets[0].Header.SequenceNumber) + 1 - packets.Count;
        Assert.InRange(missing, 1, (int)device.PacketsDropped);
    }

    [Fact]
    public async Task Same_seed_drops_the_same_packets()
    {
        var options = new GbDeviceOptions { Ssrc = 9, DropPercent = 10, Seed = 42 };
        var (_, first) = await DeviceRun.RunAsync(GbTransport.Tcp, Feed(0.5), options, new PlaybackOptions { Speed = 0 });
        var (_, second) = await DeviceRun.RunAsync(GbTransport.Tcp, Feed(0.5), options, new PlaybackOptions { Speed = 0 });

        Assert.Equal(first.Packets.Select(p => p.Header.SequenceNumber), second.Packets.Select(p => p.Header.SequenceNumber));
    }

    [Fact]
    public async Task Reorder_swaps_packets_and_loses_none()
    {
        var options = new GbDeviceOptions { Ssrc = 10, ReorderPercent = 10, Seed = 1 };

        var (device, capture) = await DeviceRun.RunAsync(GbTransport.Tcp, Feed(1), options, new PlaybackOptions { Speed = 0 });

        var sequence = capture.Packets.Select(p => p.Header.SequenceNumber).ToList();
        int backwards = sequence.Zip(sequence.Skip(1)).Count(pair => !IsAfter(pair.Second, pair.First));
        Assert.True(backwards > 0, "no packet came out of order");
        Assert.Equal(Enumerable.Range(0, sequence.Count).Select(i => (ushort)i), sequence.Order());
        Assert.Equal(device.PacketsSent, sequence.Count);
        Assert.Equal(0, device.PacketsDropped);

        // In sequence order the stream is whole again.
        var sorted = capture.Packets.OrderBy(p => p.Header.SequenceNumber).ToList();
        var frames = RtpChecks.Demux(RtpChecks.CheckStream(sorted, 10, (int)device.FramesSent));
        Assert.Equal(device.FramesSent, frames.Count);
    }

    [Fact]
    public async Task Audio_delay_sends_no_audio_before_that_media_time()
    {
        var playback = new PlaybackOptions { Speed = 0, AudioDelay = TimeSpan.FromSeconds(0.5) };

        var (device, capture) = await DeviceRun.RunAsync(GbTransport.Tcp, Feed(1.5), new GbDeviceOptions { Ssrc = 11 }, playback);

        var frames = RtpChecks.Demux(RtpChecks.CheckStream(capture.Packets, 11, (int)device.FramesSent));
        var audio = frames.Where(f => !f.IsVideo).ToList();
        Assert.NotEmpty(audio);
        Assert.All(audio, f => Assert.True(f.Pts >= 45_000, $"audio at {f.Pts}"));
        Assert.Equal(0, frames.First(f => f.IsVideo).Pts);
        Assert.True(frames.FindIndex(f => !f.IsVideo) > 5, "video went first");
    }

    [Fact]
    public async Task Audio_first_sends_only_audio_then_video_from_a_key_frame()
    {
        // Key frames every 0.4 s: video may join at 0.8 s, the first key frame after 0.5 s.
        var playback = new PlaybackOptions { Speed = 0, AudioFirst = TimeSpan.FromSeconds(0.5) };

        var (device, capture) = await DeviceRun.RunAsync(GbTransport.Tcp, Feed(1.5), new GbDeviceOptions { Ssrc = 12 }, playback);

        var frames = RtpChecks.Demux(RtpChecks.CheckStream(capture.Packets, 12, (int)device.FramesSent));
        int firstVideo = frames.FindIndex(f => f.IsVideo);
        Assert.True(firstVideo > 10, "audio did not come first");
        Assert.All(frames.Take(firstVideo), f => Assert.False(f.IsVideo));
        Assert.Equal(0, frames[0].Pts);
        Assert.Equal(20 * SyntheticMedia.VideoStep, frames[firstVideo].Pts); // 0.8 s
        Assert.True(H264.IsKeyFrameAnnexB(frames[firstVideo].Data));
        Assert.All(frames.Where(f => f.IsVideo), f => Assert.True(f.Pts >= 45_000));
    }

    private static bool IsAfter(ushort sequence, ushort previous) => (short)(sequence - previous) > 0;
}
