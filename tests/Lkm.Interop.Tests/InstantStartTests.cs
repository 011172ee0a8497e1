using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>A player joining a running stream gets a keyframe at once, from the GOP cache, not at the next keyframe.</summary>
public sealed class InstantStartTests
{
    [Fact]
    public async Task Player_joining_a_live_stream_gets_a_keyframe_within_100_ms()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        // A 4 s GOP: without the GOP cache a joining player would wait up to 4 s.
        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/instant"), AudioKind.Aac, gop: 100);
        await host.WaitForLogAsync(l => l.Contains("live/instant: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        // Warm up the HTTP path once (JIT), then measure joins spread over the GOP.
        await KeyFrameProbe.TimeToFirstKeyFrameAsync(host.HttpPort, "live/instant.flv", TimeSpan.FromSeconds(10));
        var times = new List<TimeSpan>();
        for (int i = 0; i < 8; i++)
        {
            await Task.Delay(450, TestContext.Current.CancellationToken);
            times.Add(await KeyFrameProbe.TimeToFirstKeyFrameAsync(host.HttpPort, "live/instant.flv", TimeSpan.FromSeconds(10)));
        }

        TestContext.Current.TestOutputHelper?.WriteLine("time to first keyframe (ms): " + string.Join(", ", times.Select(t => t.TotalMilliseconds.ToString("0.0"))));
        Assert.All(times, t => Assert.True(t < TimeSpan.FromMilliseconds(100), $"keyframe after {t.TotalMilliseconds:0} ms"));
    }
}
