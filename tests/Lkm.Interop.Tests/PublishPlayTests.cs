using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>ffmpeg publishes over RTMP; ffprobe/ffmpeg and a WebSocket client read it back over RTMP, HTTP-FLV and WS-FLV.</summary>
public sealed class PublishPlayTests
{
    [Theory]
    [InlineData(AudioKind.Aac, "aac", 44100)]
    [InlineData(AudioKind.G711A, "pcm_alaw", 8000)]
    public async Task Published_stream_plays_back_with_the_right_codecs_over_every_output(AudioKind audio, string audioCodec, int sampleRate)
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        string id = $"live/{audio.ToString().ToLowerInvariant()}";
        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl(id), audio);
        var ct = TestContext.Current.CancellationToken;

        var rtmp = await Ffprobe.ProbeAsync(host.RtmpUrl(id));
        Ffprobe.AssertStreams(rtmp, "h264", 640, 360, audioCodec, sampleRate);

        var flv = await Ffprobe.ProbeAsync(host.FlvUrl(id));
        Ffprobe.AssertStreams(flv, "h264", 640, 360, audioCodec, sampleRate);

        foreach (string url in new[] { host.FlvUrl(id), host.RtmpUrl(id) })
        {
            var (code, _, stderr) = await ToolProcess.RunAsync(ExternalTools.Ffmpeg, ["-v", "error", "-i", url, "-t", "5", "-f", "null", "-"], TimeSpan.FromSeconds(40));
            Assert.True(code == 0, $"ffmpeg decoding {url} exited with {code}: {stderr}");
            Assert.True(string.IsNullOrWhiteSpace(stderr), $"ffmpeg reported errors decoding {url}:\n{stderr}");
        }

        var messages = await FlvCapture.WebSocketAsync(host.WsFlvUrl(id), TimeSpan.FromSeconds(4));
        Assert.True(messages.Count >= 3, $"only {messages.Count} WebSocket messages");
        Assert.Equal((byte)'F', messages[0][0]);
        byte[] wsBytes = messages.SelectMany(m => m).ToArray();
        var summary = FlvCheck.Validate(wsBytes);
        Assert.True(summary.FirstVideoIsSequenceHeader, "WS-FLV: the first video tag is not the sequence header");
        Assert.True(summary.FirstVideoFrameIsKey, "WS-FLV: the first video frame is not a keyframe");

        string file = Path.Combine(Path.GetTempPath(), $"lkm-ws-{Guid.NewGuid():N}.flv");
        await File.WriteAllBytesAsync(file, wsBytes, ct);
        try
        {
            Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(file), "h264", 640, 360, audioCodec, sampleRate);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.False(publisher.HasExited, "the publisher stopped early: " + publisher.Stderr);
    }
}
