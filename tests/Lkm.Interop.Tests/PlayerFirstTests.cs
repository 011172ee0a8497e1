using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>A player may connect before the publisher: it waits and gets the stream once it starts.</summary>
public sealed class PlayerFirstTests
{
    [Fact]
    public async Task Player_connected_before_the_publisher_gets_the_stream_when_it_starts()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        var capture = FlvCapture.HttpAsync(host.HttpPort, "live/early/bird.flv", TimeSpan.FromSeconds(9));
        await host.WaitForLogAsync(l => l.Contains("live/early/bird: flv player", StringComparison.Ordinal) && l.Contains("waits", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/early/bird"));
        var summary = FlvCheck.Validate(await capture);

        Assert.True(summary.FirstVideoIsSequenceHeader, "the first video tag is not the sequence header");
        Assert.True(summary.FirstVideoFrameIsKey, "the first video frame is not a keyframe");
        Assert.True(summary.KeyFrames >= 2, $"only {summary.KeyFrames} keyframes in ~5 s of a 1 s GOP stream");
        Assert.True(summary.AudioTags > 50, $"only {summary.AudioTags} audio tags");
    }
}
