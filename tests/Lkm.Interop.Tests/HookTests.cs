using System.Diagnostics;
using System.Net;
using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Sdk.Testing.Rtmp;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>Hooks and routes on the real host: token scripts, live edits, runaway scripts, timeouts without scripts.</summary>
public sealed class HookTests
{
    private const string TokenScript = """
        function on_publish(ctx) { return ctx.query.token === 'abc'; }
        function on_play(ctx) { return { allow: ctx.query.token === 'abc', reason: 'token required' }; }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Config(string hooks, string extra = "") => $"""
        hooks:
          script: {hooks}
          timeout: 1s
        {extra}
        """;

    [Fact]
    public async Task Token_script_refuses_publish_and_play_without_the_token()
    {
        _ = ExternalTools.Ffmpeg;
        using var dir = new TempDir();
        dir.Write("token.js", TokenScript);
        await using var host = await HostProcess.StartWithConfigAsync(dir.Write("lkm.yaml", Config("token.js")));

        await using (var refused = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/t")))
        {
            int code = await refused.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotEqual(0, code);
        }

        await host.WaitForLogAsync(l => l.Contains("live/t: publish over rtmp", StringComparison.Ordinal) && l.Contains("denied", StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/t?token=abc"));
        await host.WaitForLogAsync(l => l.Contains("live/t: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        using var http = new HttpClient();
        using (var denied = await http.GetAsync(host.FlvUrl("live/t"), HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Contains("token required", await denied.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var flv = await FlvCapture.HttpAsync(host.HttpPort, "live/t.flv?token=abc", TimeSpan.FromSeconds(3));
        Assert.True(FlvCheck.Validate(flv).VideoTags > 10);

        var (code2, _, _) = await ToolProcess.RunAsync(ExternalTools.Ffprobe, ["-v", "error", "-rw_timeout", "10000000", host.RtmpUrl("live/t")], TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, code2);
        Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(host.RtmpUrl("live/t?token=abc")), "h264", 640, 360, "aac", 44100);
    }

    [Fact]
    public async Task Editing_the_script_changes_the_next_decision_without_a_restart()
    {
        _ = ExternalTools.Ffmpeg;
        using var dir = new TempDir();
        string script = dir.Write("edit.js", "function on_publish(ctx) { return false; }");
        await using var host = await HostProcess.StartWithConfigAsync(dir.Write("lkm.yaml", Config("edit.js")));

        await using (var refused = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/edit")))
        {
            Assert.NotEqual(0, await refused.WaitAsync(TimeSpan.FromSeconds(20)));
        }

        await File.WriteAllTextAsync(script, "function on_publish(ctx) { return true; }", Ct);
        await Task.Delay(2500, Ct);

        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/edit"));
        await host.WaitForLogAsync(l => l.Contains("live/edit: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.False(publisher.HasExited);
    }

    [Fact]
    public async Task Runaway_on_play_is_denied_after_the_time_limit_while_other_hooks_answer()
    {
        _ = ExternalTools.Ffmpeg;
        using var dir = new TempDir();
        dir.Write("loop.js", """
            function on_publish(ctx) { return true; }
            function on_play(ctx) { if (ctx.stream === 'live/loop') { while (true) {} } return true; }
            """);
        await using var host = await HostProcess.StartWithConfigAsync(dir.Write("lkm.yaml", Config("loop.js")));

        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        var loopPlay = http.GetAsync(host.FlvUrl("live/loop"), HttpCompletionOption.ResponseHeadersRead, Ct);
        await Task.Delay(150, Ct);

        // While the runaway hook spins, another stream's on_publish is decided normally.
        await using var publisher = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/other"));
        await host.WaitForLogAsync(l => l.Contains("live/other: publisher rtmp", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        TimeSpan publishAccepted = clock.Elapsed;

        using var response = await loopPlay;
        TimeSpan denied = clock.Elapsed;
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(denied >= TimeSpan.FromMilliseconds(900), $"the runaway hook was cut after {denied.TotalMilliseconds:0} ms, before its 1 s limit");
        Assert.True(publishAccepted < denied || publishAccepted < TimeSpan.FromSeconds(2), $"the other publish waited for the runaway hook ({publishAccepted.TotalMilliseconds:0} ms vs {denied.TotalMilliseconds:0} ms)");
        Assert.Contains(host.Log, l => l.Contains("loop.js", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Idle_and_receive_timeouts_close_sources_with_no_script()
    {
        _ = ExternalTools.Ffmpeg;
        using var dir = new TempDir();
        await using var host = await HostProcess.StartWithConfigAsync(dir.Write("lkm.yaml", Config("\"\"", """
            routes:
              - match: "idle/**"
                idle_timeout: 2s
              - match: "silent/**"
                receive_timeout: 2s
            """)));

        // Idle: a publisher nobody watches is closed.
        await using var idle = FfmpegProcess.PublishTestStream(host.RtmpUrl("idle/cam"));
        await host.WaitForLogAsync(l => l.Contains("idle/cam: closed, no players for 2 s", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.NotEqual(0, await idle.WaitAsync(TimeSpan.FromSeconds(10)));

        // Receive: a publisher that announces itself and then sends nothing is closed.
        await using var silent = await RawRtmpClient.ConnectAsync(host.RtmpPort);
        await silent.HandshakeAsync();
        await silent.PublishAsync("silent", "cam");
        await host.WaitForLogAsync(l => l.Contains("silent/cam: publisher rtmp", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(await silent.WaitClosedAsync(TimeSpan.FromSeconds(10)), "the silent publisher was not closed");
        await host.WaitForLogAsync(l => l.Contains("silent/cam: closed, no media received for 2 s", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }
}
