using System.Diagnostics;
using System.Text.Json;
using Lkm.Host.Hooks;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Tests.Hooks;

/// <summary>The http helper against a real Kestrel on 127.0.0.1.</summary>
public sealed class HookHttpTests
{
    private static Task<TestHttpServer> EchoServerAsync() => TestHttpServer.StartAsync(async (http, recorded) =>
    {
        if (recorded.Path == "/slow")
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        http.Response.StatusCode = recorded.Path == "/forbidden" ? 403 : 200;
        http.Response.Headers["X-Echo"] = "yes";
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            method = recorded.Method,
            path = recorded.Path,
            query = recorded.Query,
            body = recorded.Body,
            contentType = recorded.ContentType,
            auth = recorded.Headers.GetValueOrDefault("authorization"),
        }));
    });

    [Fact]
    public async Task The_http_client_is_built_on_the_first_request_not_with_the_engine()
    {
        await using var server = await EchoServerAsync();
        await using var f = new HookFixture();
        var quiet = f.Load("quiet.js", "function on_play(ctx) { return true; }");
        var caller = f.Load("caller.js", $$"""
            async function on_play(ctx) { return (await http.get('{{server.BaseUrl}}/x')).status === 200; }
            """);

        Assert.True((await f.Run(quiet, HookEvent.OnPlay)).Allow);
        Assert.False(f.Engine.HttpClientCreated);

        Assert.Equal(new HookDecision(true, null, true), await f.Run(caller, HookEvent.OnPlay));
        Assert.True(f.Engine.HttpClientCreated);
    }

    [Fact]
    public async Task Get_returns_status_body_headers_and_json()
    {
        await using var server = await EchoServerAsync();
        await using var f = new HookFixture();
        var script = f.Load("get.js", $$"""
            async function on_play(ctx) {
              const r = await http.get('{{server.BaseUrl}}/check?stream=' + encodeURIComponent(ctx.stream), { headers: { Authorization: 'Bearer t1' } });
              const j = r.json();
              return { allow: r.status === 200 && r.ok && j.method === 'GET' && j.auth === 'Bearer t1' && r.headers['x-echo'] === 'yes',
                       reason: j.query };
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPlay);

        Assert.Equal(new HookDecision(true, "?stream=live%2Fcam1", true), decision);
    }

    [Fact]
    public async Task PostJson_sends_json_and_non_2xx_is_a_normal_response()
    {
        await using var server = await EchoServerAsync();
        await using var f = new HookFixture();
        var script = f.Load("post.js", $$"""
            async function on_publish(ctx) {
              const r = await http.postJson('{{server.BaseUrl}}/forbidden', { stream: ctx.stream, n: 1 });
              const p = await http.post('{{server.BaseUrl}}/raw', 'plain body', { headers: { 'Content-Type': 'text/x-custom' } });
              return { allow: r.status === 403 && !r.ok, reason: r.json().body + '|' + r.json().contentType + '|' + p.json().body + '|' + p.json().contentType };
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPublish);

        Assert.True(decision.Allow, decision.Reason);
        Assert.Equal("""{"stream":"live/cam1","n":1}|application/json|plain body|text/x-custom""", decision.Reason);
    }

    [Fact]
    public async Task A_request_timeout_rejects_the_promise()
    {
        await using var server = await EchoServerAsync();
        await using var f = new HookFixture();
        var script = f.Load("timeout.js", $$"""
            async function on_play(ctx) {
              try {
                await http.get('{{server.BaseUrl}}/slow', { timeout: 200 });
                return { allow: true, reason: 'answered?' };
              } catch (e) {
                return { allow: false, reason: e.message };
              }
            }
            async function on_publish(ctx) {
              await http.get('{{server.BaseUrl}}/slow');
              return true;
            }
            """);
        var watch = Stopwatch.StartNew();

        var caught = await f.Run(script, HookEvent.OnPlay);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
        Assert.False(caught.Allow);
        Assert.Contains("timed out after 200 ms", caught.Reason);

        // Not caught, with the default HttpTimeout from the options: the error policy applies.
        watch.Restart();
        var uncaught = await f.Run(script, HookEvent.OnPublish, options: new HookOptions { HttpTimeout = TimeSpan.FromMilliseconds(200), OnError = HookErrorPolicy.Allow });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
        Assert.True(uncaught.Allow);
        Assert.Contains("timed out", uncaught.Reason);
        Assert.Equal(1, f.Engine.Failures);
    }

    [Fact]
    public async Task The_async_timeout_bounds_a_hook_waiting_on_http()
    {
        await using var server = await EchoServerAsync();
        await using var f = new HookFixture();
        var script = f.Load("wait.js", $"async function on_play(ctx) {{ await http.get('{server.BaseUrl}/slow'); return true; }}");
        var watch = Stopwatch.StartNew();

        var decision = await f.Run(script, HookEvent.OnPlay, options: new HookOptions { AsyncTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.False(decision.Allow);
        Assert.Contains("did not settle", decision.Reason);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Equal(1, f.Engine.Timeouts);
    }

    [Fact]
    public async Task Connection_errors_and_bad_urls_reject()
    {
        await using var f = new HookFixture();
        var script = f.Load("refused.js", """
            async function on_play(ctx) {
              const errors = [];
              for (const url of ['http://127.0.0.1:1/nothing', 'file:///etc/passwd', 'not a url']) {
                try { await http.get(url, { timeout: 2000 }); } catch (e) { errors.push(e.message); }
              }
              return { allow: errors.length === 3, reason: errors.join(' | ') };
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPlay);

        Assert.True(decision.Allow, decision.Reason);
        Assert.Contains("not an absolute http(s) URL", decision.Reason);
    }

    [Fact]
    public async Task Calls_awaiting_http_do_not_block_each_other()
    {
        var release = new TaskCompletionSource();
        await using var server = await TestHttpServer.StartAsync(async (http, recorded) =>
        {
            if (recorded.Path == "/hold")
            {
                await release.Task.WaitAsync(TimeSpan.FromSeconds(5));
            }

            http.Response.StatusCode = 200;
        });
        await using var f = new HookFixture();
        var script = f.Load("par.js", $$"""
            async function on_play(ctx) { const r = await http.get('{{server.BaseUrl}}/' + ctx.query.path); return r.status === 200; }
            """);

        var held = f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: ("path", "hold")));
        var quick = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: ("path", "quick")));
        Assert.True(quick.Allow);
        Assert.False(held.IsCompleted);

        release.SetResult();
        Assert.True((await held).Allow);
    }

    [Fact]
    public async Task Fire_and_forget_requests_of_a_notifying_hook_are_sent()
    {
        await using var server = await EchoServerAsync();
        await using var f = new HookFixture();
        var script = f.Load("notify.js", $$"""
            function on_publish_done(ctx) {
              http.postJson('{{server.BaseUrl}}/done', { stream: ctx.stream, duration: ctx.duration }).then(r => log.info('done sent', r.status));
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPublishDone, new HookContext { Stream = "live/x", Protocol = "rtmp", DurationSeconds = 3 });
        Assert.True(decision.Allow);

        var watch = Stopwatch.StartNew();
        while (!f.Logs.Any(Microsoft.Extensions.Logging.LogLevel.Information, "[notify.js] done sent 200") && watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Contains(server.Requests, r => r.Path == "/done" && r.Body == """{"stream":"live/x","duration":3}""");
        Assert.True(f.Logs.Any(Microsoft.Extensions.Logging.LogLevel.Information, "[notify.js] done sent 200"), f.Logs.Dump());
    }
}
