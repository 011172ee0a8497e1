using Lkm.Host.Hooks;

namespace Lkm.Host.Tests.Hooks;

/// <summary>What the scripts' return values turn into.</summary>
public sealed class HookDecisionTests
{
    [Theory]
    [InlineData("return true;", true, null)]
    [InlineData("return false;", false, "on_publish returned false")]
    [InlineData("return {allow: false, reason: 'bad token'};", false, "bad token")]
    [InlineData("return {allow: true, reason: 'welcome'};", true, "welcome")]
    [InlineData("return {allow: false};", false, "on_publish denied")]
    [InlineData("return Promise.resolve({allow: false, reason: 'later'});", false, "later")]
    [InlineData("return new Promise(r => r(true));", true, null)]
    [InlineData("return Promise.resolve(1).then(x => x === 1);", true, null)]
    public async Task Deciding_results_map_to_decisions(string body, bool allow, string? reason)
    {
        await using var f = new HookFixture();
        var script = f.Load("s.js", $"function on_publish(ctx) {{ {body} }}");

        var decision = await f.Run(script, HookEvent.OnPublish);

        Assert.Equal(new HookDecision(allow, reason, true), decision);
    }

    [Fact]
    public async Task Async_function_results_are_awaited()
    {
        await using var f = new HookFixture();
        var script = f.Load("s.js", """
            async function on_play(ctx) {
              const a = await Promise.resolve(ctx.query.token);
              return { allow: a === 'abc', reason: 'token ' + a };
            }
            """);

        var ok = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: ("token", "abc")));
        var bad = await f.Run(script, HookEvent.OnPlay, HookFixture.Ctx(query: ("token", "x")));

        Assert.Equal(new HookDecision(true, "token abc", true), ok);
        Assert.Equal(new HookDecision(false, "token x", true), bad);
    }

    [Fact]
    public async Task An_event_the_script_does_not_define_is_not_from_the_script()
    {
        await using var f = new HookFixture();
        var script = f.Load("s.js", "function on_publish(ctx) { return false; }");

        var decision = await f.Run(script, HookEvent.OnPlay);

        Assert.False(decision.FromScript);
        Assert.True(decision.Allow);
        Assert.False(script.Defines(HookEvent.OnPlay));
        Assert.True(script.Defines(HookEvent.OnPublish));
        Assert.Equal(0, f.Engine.Calls);
    }

    [Fact]
    public async Task Notifying_events_ignore_their_result()
    {
        await using var f = new HookFixture();
        var script = f.Load("s.js", "var seen = 0; function on_publish_done(ctx) { seen++; return false; } function on_publish(ctx) { return seen === 1; }");

        var done = await f.Run(script, HookEvent.OnPublishDone);
        var publish = await f.Run(script, HookEvent.OnPublish);

        Assert.Equal(new HookDecision(true, null, true), done);
        Assert.True(publish.Allow); // same pooled engine saw the done call
    }

    [Theory]
    [InlineData("return;", "returned undefined")]
    [InlineData("return 'yes';", "returned a string")]
    [InlineData("return {allow: 'yes'};", "without a boolean 'allow'")]
    [InlineData("return 1;", "returned a number")]
    public async Task Garbage_results_apply_the_error_policy(string body, string expected)
    {
        await using var f = new HookFixture();
        var script = f.Load("garbage.js", $"function on_publish(ctx) {{ {body} }}");

        var denied = await f.Run(script, HookEvent.OnPublish);
        var allowed = await f.Run(script, HookEvent.OnPublish, options: new HookOptions { OnError = HookErrorPolicy.Allow });

        Assert.False(denied.Allow);
        Assert.True(denied.FromScript);
        Assert.Contains(expected, denied.Reason);
        Assert.True(allowed.Allow);
        Assert.True(f.Logs.Any(Microsoft.Extensions.Logging.LogLevel.Warning, "garbage.js", "live/cam1", expected));
        Assert.Equal(2, f.Engine.Failures);
    }

    [Fact]
    public async Task The_context_carries_every_field()
    {
        await using var f = new HookFixture();
        var script = f.Load("ctx.js", """
            function on_play_done(ctx) { globalThis.last = JSON.stringify(ctx); }
            function on_play(ctx) { return { allow: true, reason: globalThis.last }; }
            """);
        var ctx = new HookContext
        {
            Stream = "live/a/b",
            Protocol = "ws-flv",
            RemoteAddr = "192.0.2.7:4000",
            Query = new Dictionary<string, string> { ["token"] = "abc", ["__proto__"] = "x", ["1"] = "one" },
            Sink = "sink-9",
            DurationSeconds = 12.5,
            Bytes = 1234567,
            Path = "/rec/a.flv",
        };

        await f.Run(script, HookEvent.OnPlayDone, ctx);
        var decision = await f.Run(script, HookEvent.OnPlay, ctx);

        Assert.Equal(
            """{"event":"on_play_done","stream":"live/a/b","app":"live","name":"a/b","protocol":"ws-flv","remote_addr":"192.0.2.7:4000","query":{"1":"one","token":"abc","__proto__":"x"},"sink":"sink-9","duration":12.5,"bytes":1234567,"path":"/rec/a.flv"}""",
            decision.Reason);
    }

    [Fact]
    public async Task Absent_optional_fields_are_null()
    {
        await using var f = new HookFixture();
        var script = f.Load("ctx.js", """
            function on_publish(ctx) {
              return { allow: ctx.sink === null && ctx.duration === null && ctx.bytes === null && ctx.path === null
                && ctx.app === 'single' && ctx.name === '' && Object.keys(ctx.query).length === 0, reason: ctx.event };
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPublish, new HookContext { Stream = "single", Protocol = "rtmp" });

        Assert.Equal(new HookDecision(true, "on_publish", true), decision);
    }

    [Fact]
    public async Task Sequential_calls_reuse_one_pooled_engine()
    {
        await using var f = new HookFixture();
        var script = f.Load("tok.js", "function on_publish(ctx) { return ctx.query.token === 'abc'; }");
        int created = f.Engine.EnginesCreated;

        for (int i = 0; i < 2000; i++)
        {
            var d = await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(query: ("token", i % 2 == 0 ? "abc" : "no")));
            Assert.Equal(i % 2 == 0, d.Allow);
        }

        Assert.Equal(created, f.Engine.EnginesCreated); // the engine built while loading serves them all
        Assert.Equal(2000, f.Engine.Calls);
        Assert.Equal(2000, f.Engine.Latency.Count);
    }
}
