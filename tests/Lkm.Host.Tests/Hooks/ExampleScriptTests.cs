using System.Diagnostics;
using System.Text.Json;
using Lkm.Host.Hooks;

namespace Lkm.Host.Tests.Hooks;

/// <summary>The shipped scripts do what their comments say.</summary>
public sealed class ExampleScriptTests
{
    [Fact]
    public async Task Default_script_allows_everything()
    {
        await using var f = new HookFixture();
        var script = f.Engine.GetScript(HookFixture.RepoScripts("hooks.js"));

        foreach (var ev in Enum.GetValues<HookEvent>())
        {
            var decision = await f.Run(script, ev);
            Assert.True(decision.Allow, $"{ev}: {decision.Reason}");
        }

        Assert.Equal(0, f.Engine.Failures);
    }

    [Fact]
    public async Task Token_script_requires_the_token()
    {
        await using var f = new HookFixture();
        var script = f.Engine.GetScript(HookFixture.RepoScripts("examples/token.js"));

        Assert.True((await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(query: ("token", "abc")))).Allow);
        var missing = await f.Run(script, HookEvent.OnPublish);
        Assert.False(missing.Allow);
        Assert.Equal("publish: bad or missing token", missing.Reason);
        Assert.False((await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(query: ("token", "viewer")))).Allow);
        Assert.True((await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: ("token", "viewer")))).Allow);
        Assert.False((await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: ("token", "nope")))).Allow);
    }

    [Fact]
    public async Task Signed_url_script_checks_signature_and_expiry()
    {
        await using var f = new HookFixture();
        var script = f.Engine.GetScript(HookFixture.RepoScripts("examples/signed-url.js"));
        static string Sign(string stream, long expires) =>
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("change-me"u8, System.Text.Encoding.UTF8.GetBytes(stream + expires)));
        long future = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600;
        long past = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        var ok = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: [("expires", future.ToString()), ("sign", Sign("live/cam1", future))]));
        var expired = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: [("expires", past.ToString()), ("sign", Sign("live/cam1", past))]));
        var otherStream = await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(stream: "live/cam2", query: [("expires", future.ToString()), ("sign", Sign("live/cam1", future))]));
        var tampered = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: [("expires", (future + 1).ToString()), ("sign", Sign("live/cam1", future))]));
        var missing = await f.Run(script, HookEvent.OnPlay);

        Assert.True(ok.Allow, ok.Reason);
        Assert.Equal("link expired", expired.Reason);
        Assert.Equal("bad signature", otherStream.Reason);
        Assert.Equal("bad signature", tampered.Reason);
        Assert.Equal("missing expires or sign", missing.Reason);
    }

    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("10.20.30.40:1935", true)]
    [InlineData("192.168.200.1:1", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("[::ffff:10.0.0.1]:5000", true)]
    [InlineData("11.0.0.1:5000", false)]
    [InlineData("192.169.0.1:5000", false)]
    [InlineData("[2001:db8::1]:5000", false)]
    public async Task Ip_allowlist_script_checks_the_publisher(string remote, bool allowed)
    {
        await using var f = new HookFixture();
        var script = f.Engine.GetScript(HookFixture.RepoScripts("examples/ip-allowlist.js"));

        var publish = await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(remote: remote));
        var play = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(remote: remote));

        Assert.Equal(allowed, publish.Allow);
        Assert.True(play.Allow);
    }

    /// <summary>webhook.js against a business server: the LKM bodies and queries arrive, 200 allows and 403 denies.</summary>
    [Fact]
    public async Task Webhook_script_speaks_lkms_web_hooks()
    {
        var onPlayRelease = new TaskCompletionSource();
        await using var server = await TestHttpServer.StartAsync(async (http, recorded) =>
        {
            using var json = JsonDocument.Parse(recorded.Body);
            string stream = json.RootElement.ValueKind == JsonValueKind.Object ? json.RootElement.GetProperty("stream").GetString()! : "";
            if (recorded.Path.EndsWith("/on_play", StringComparison.Ordinal) && stream == "live/pull")
            {
                await onPlayRelease.Task.WaitAsync(TimeSpan.FromSeconds(5)); // "pulling the stream on demand"
            }

            http.Response.StatusCode = stream.StartsWith("live/denied", StringComparison.Ordinal) ? 403 : 200;
        });
        await using var f = new HookFixture();
        string source = File.ReadAllText(HookFixture.RepoScripts("examples/webhook.js"))
            .Replace("const BASE = 'http://127.0.0.1:9000/api/v1/hook';", $"const BASE = '{server.BaseUrl}/api/v1/hook';", StringComparison.Ordinal);
        Assert.Contains(server.BaseUrl, source);
        var script = f.Load("webhook.js", source);

        var publish = await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(stream: "live/cam1", protocol: "rtmp", remote: "10.0.0.5:40000", query: [("token", "abc"), ("x", "a b")]));
        var deniedPlay = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(stream: "live/denied", protocol: "ws-flv", remote: "10.0.0.6:40001"));
        await f.Run(script, HookEvent.OnPlayDone, new HookContext { Stream = "live/cam1", Protocol = "flv", RemoteAddr = "10.0.0.6:40001", Sink = "7" });
        await f.Run(script, HookEvent.OnRecord, new HookContext { Stream = "live/cam1", Protocol = "rtmp", RemoteAddr = "10.0.0.5:40000", Path = "/rec/cam1.flv" });
        var keepIdle = await f.Run(script, HookEvent.OnIdleTimeout, HookFixture.Ctx(stream: "live/cam1"));
        var closeSilent = await f.Run(script, HookEvent.OnReceiveTimeout, HookFixture.Ctx(stream: "live/denied2", protocol: "28181"));

        Assert.True(publish.Allow);
        Assert.False(deniedPlay.Allow);
        Assert.Equal("on_play hook refused", deniedPlay.Reason);
        Assert.True(keepIdle.Allow);
        Assert.False(closeSilent.Allow);

        var requests = server.Requests.ToArray();
        Assert.Equal(6, requests.Length);
        Assert.All(requests, r => Assert.Equal("POST", r.Method));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.ContentType));
        Assert.Equal(("/api/v1/hook/on_publish", "?token=abc&x=a%20b", """{"stream":"live/cam1","protocol":"rtmp","remote_addr":"10.0.0.5:40000"}"""), (requests[0].Path, requests[0].Query, requests[0].Body));
        Assert.Equal(("/api/v1/hook/on_play", "", """{"stream":"live/denied","protocol":"flv","remote_addr":"10.0.0.6:40001"}"""), (requests[1].Path, requests[1].Query, requests[1].Body));
        Assert.Equal(("/api/v1/hook/on_play_done", """{"stream":"live/cam1","protocol":"flv","remote_addr":"10.0.0.6:40001","sink":"7"}"""), (requests[2].Path, requests[2].Body));
        Assert.Equal(("/api/v1/hook/on_record", """{"stream":"live/cam1","protocol":"rtmp","remote_addr":"10.0.0.5:40000","path":"/rec/cam1.flv"}"""), (requests[3].Path, requests[3].Body));
        Assert.Equal("/api/v1/hook/on_idle_timeout", requests[4].Path);
        Assert.Equal(("/api/v1/hook/on_receive_timeout", """{"stream":"live/denied2","protocol":"28181","remote_addr":"10.1.2.3:50000"}"""), (requests[5].Path, requests[5].Body));

        // on_play that waits for the business server keeps the caller waiting, then allows.
        var watch = Stopwatch.StartNew();
        var waiting = f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(stream: "live/pull", protocol: "flv"));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        onPlayRelease.SetResult();
        var pulled = await waiting;
        Assert.True(pulled.Allow);
        // Task.Delay may end a timer tick before the stopwatch reaches 300 ms; the wait itself is proven by IsCompleted above.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), $"the caller waited only {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(0, f.Engine.Failures);
    }

    [Fact]
    public async Task Webhook_script_denies_when_the_server_is_unreachable()
    {
        await using var f = new HookFixture();
        string source = File.ReadAllText(HookFixture.RepoScripts("examples/webhook.js"))
            .Replace("const BASE = 'http://127.0.0.1:9000/api/v1/hook';", "const BASE = 'http://127.0.0.1:1/api/v1/hook';", StringComparison.Ordinal);
        var script = f.Load("webhook.js", source);

        var decision = await f.Run(script, HookEvent.OnPublish);

        Assert.False(decision.Allow);
        Assert.True(f.Logs.Any(Microsoft.Extensions.Logging.LogLevel.Warning, "[webhook.js] on_publish live/cam1 failed:"), f.Logs.Dump());
    }
}
