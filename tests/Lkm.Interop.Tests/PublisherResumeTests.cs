using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>A publisher that drops and comes back within the resume window continues to the connected players.</summary>
public sealed class PublisherResumeTests
{
    [Fact]
    public async Task Http_flv_player_keeps_a_valid_flv_across_a_publisher_reconnect()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync();
        const string id = "live/resume";
        var first = FfmpegProcess.PublishTestStream(host.RtmpUrl(id), seconds: 4);
        await host.WaitForLogAsync(l => l.Contains($"{id}: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        var capture = FlvCapture.HttpAsync(host.HttpPort, id + ".flv", TimeSpan.FromSeconds(11));
        Assert.Equal(0, await first.WaitAsync(TimeSpan.FromSeconds(15)));
        await first.DisposeAsync();
        await host.WaitForLogAsync(l => l.Contains($"{id}: publisher gone", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        await Task.Delay(1500, TestContext.Current.CancellationToken);

        await using var second = FfmpegProcess.PublishTestStream(host.RtmpUrl(id));
        await host.WaitForLogAsync(l => l.Contains($"{id}: publisher resumed", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        byte[] bytes = await capture;
        var summary = FlvCheck.Validate(bytes);
        Assert.Equal(1, CountFlvHeaders(bytes));
        // Media from both publishers: ~3 s before the drop and several seconds after, on one continuous timeline.
        Assert.True(summary.LastTimestamp - summary.FirstVideoTimestamp >= 6_000, $"only {summary.LastTimestamp - summary.FirstVideoTimestamp} ms of media across the resume");
        Assert.True(summary.KeyFrames >= 6, $"only {summary.KeyFrames} keyframes");
    }

    private static int CountFlvHeaders(byte[] bytes)
    {
        int count = 0;
        for (int i = 0; i + 3 < bytes.Length; i++)
        {
            if (bytes[i] == 'F' && bytes[i + 1] == 'L' && bytes[i + 2] == 'V' && bytes[i + 3] == 1)
            {
                count++;
            }
        }

        return count;
    }
}
