using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;
using Lkm.DeviceSim.Tests.Support;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.MpegPs;
using Lkm.Testing;

namespace Lkm.DeviceSim.Tests.Media;

/// <summary>
/// The real ffmpeg path with generated (lavfi) inputs: ~2 s of H.264 + AAC and of H.265 + G.711A through a device
/// over UDP, paced in real time. Skipped without ffmpeg, except with CI=true, where that is a failure.
/// </summary>
public sealed class FfmpegFeedTests
{
    [Theory]
    [InlineData(VideoMode.H264, AudioMode.Aac, PsStreamType.H264, PsStreamType.AacAdts)]
    [InlineData(VideoMode.H265, AudioMode.Pcma, PsStreamType.H265, PsStreamType.G711A)]
    public async Task Lavfi_input_through_ffmpeg_arrives_as_ps_of_the_right_codecs(VideoMode video, AudioMode audio, byte videoType, byte audioType)
    {
        string ffmpeg = ExternalTools.Require("ffmpeg", "the device simulator's ffmpeg feed test runs it");
        await using var feed = new FfmpegMediaFeed(new FfmpegFeedOptions
        {
            Input = "lavfi:testsrc=size=320x240:rate=25",
            InputAudio = "lavfi:sine=frequency=1000",
            Video = video,
            Audio = audio,
            FfmpegPath = ffmpeg,
        });
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (device, capture) = await DeviceRun.RunAsync(GbTransport.Udp, feed, new GbDeviceOptions { Ssrc = 77 }, new PlaybackOptions { Duration = TimeSpan.FromSeconds(2) });

        Assert.InRange(started.Elapsed.TotalSeconds, 1.5, 10);
        Assert.Equal(new MediaFormat(videoType, audioType), feed.Format);
        var packets = capture.Packets;
        Assert.Equal(device.PacketsSent, packets.Count);
        var frames = RtpChecks.Demux(RtpChecks.CheckStream(packets, 77, (int)device.FramesSent));
        var videoFrames = frames.Where(f => f.IsVideo).ToList();
        var audioFrames = frames.Where(f => !f.IsVideo).ToList();
        Assert.InRange(videoFrames.Count, 45, 50); // 2 s at 25 fps
        Assert.All(videoFrames, f => Assert.Equal(videoType, f.StreamType));
        Assert.All(audioFrames, f => Assert.Equal(audioType, f.StreamType));
        Assert.True(videoType == PsStreamType.H264 ? H264.IsKeyFrameAnnexB(videoFrames[0].Data) : H265.IsKeyFrameAnnexB(videoFrames[0].Data), "the first video frame is a key frame");
        Assert.True(videoFrames.Count(f => videoType == PsStreamType.H264 ? H264.IsKeyFrameAnnexB(f.Data) : H265.IsKeyFrameAnnexB(f.Data)) >= 2, "a key frame every second");
        if (audioType == PsStreamType.G711A)
        {
            Assert.InRange(audioFrames.Count, 95, 100); // 20 ms frames
            Assert.All(audioFrames, f => Assert.Equal(160, f.Data.Length));
        }
        else
        {
            Assert.InRange(audioFrames.Count, 80, 90); // 1024 samples at 44.1 kHz
            Assert.All(audioFrames, f => Assert.Equal(0xFF, f.Data[0]));
        }

        Assert.Equal(frames.Where(f => f.IsVideo).Select(f => f.Pts), frames.Where(f => f.IsVideo).Select(f => f.Pts).Order());
    }

    [Fact]
    public void Command_lines_copy_or_encode_and_split_g711_into_its_own_process()
    {
        var copy = new FfmpegMediaFeed(new FfmpegFeedOptions { Input = "in.mp4" }).CommandLines;
        var line = Assert.Single(copy);
        Assert.Equal(["-i", "in.mp4"], line.Skip(4).Take(2));
        Assert.Contains("copy", line);
        Assert.Contains("0:a:0?", line); // AAC only when the input has audio
        Assert.Equal(["-f", "mpegts", "pipe:1"], line.TakeLast(3));

        var g711 = new FfmpegMediaFeed(new FfmpegFeedOptions { Input = "lavfi:testsrc", Video = VideoMode.H264, Audio = AudioMode.Pcmu }).CommandLines;
        Assert.Equal(2, g711.Count);
        Assert.Contains("-an", g711[0]);
        Assert.Contains("libx264", g711[0]);
        Assert.Equal(["-f", "lavfi", "-i", "testsrc"], g711[1].Skip(4).Take(4));
        Assert.Equal(["-f", "mulaw", "pipe:1"], g711[1].TakeLast(3));

        var audioOnly = new FfmpegMediaFeed(new FfmpegFeedOptions { Input = "x.wav", Video = VideoMode.None, Audio = AudioMode.Pcma }).CommandLines;
        Assert.Contains("alaw", Assert.Single(audioOnly));
    }
}
