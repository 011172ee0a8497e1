using System.Diagnostics;
using Lkm.Host.Hooks;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Hooks;

/// <summary>Isolation: a runaway script does not block others, and scripts see no CLR.</summary>
public sealed class HookSandboxTests
{
    [Fact]
    public async Task A_runaway_on_play_is_denied_after_the_time_limit_while_other_hooks_answer()
    {
        await using var f = new HookFixture();
        var runaway = f.Load("runaway.js", "function on_play(ctx) {\n  while (true) {}\n}\n");
        var token = f.Load("token.js", "function on_publish(ctx) { return ctx.query.token === 'abc'; }");
        var limits = new HookOptions { Timeout = TimeSpan.FromSeconds(1), MaxStatements = 0 }; // only the clock stops it
        await f.Run(token, HookEvent.OnPublish); // warm up JIT outside the measured window

        var watch = Stopwatch.StartNew();
        var stuck = Task.Run(() => f.Run(runaway, HookEvent.OnPlay, HookFixture.Ctx(stream: "live/runaway"), limits), TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);

        var during = Stopwatch.StartNew();
        var answer = await f.Run(token, HookEvent.OnPublish, HookFixture.Ctx(stream: "live/other", query: ("token", "abc")));
        during.Stop();
        Assert.False(stuck.IsCompleted, "the runaway should still be running");
        Assert.True(answer.Allow);
        Assert.True(during.Elapsed < TimeSpan.FromMilliseconds(200), $"other hook took {during.Elapsed.TotalMilliseconds} ms");

        // Another call of the same runaway script gets its own engine too.
        var sameScriptOther = await f.Run(token, HookEvent.OnPublish, HookFixture.Ctx(query: ("token", "no")));
        Assert.False(sameScriptOther.Allow);

        var denied = await stuck;
        Assert.False(denied.Allow);
        Assert.True(denied.FromScript);
        Assert.Contains("time limit", denied.Reason);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        Assert.True(f.Logs.Any(LogLevel.Warning, "runaway.js:2:", "live/runaway"), f.Logs.Dump());
        Assert.Equal(1, f.Engine.Timeouts);

        // The timed-out engine was dropped; the script keeps answering (and timing out) normally.
        var again = await f.Run(runaway, HookEvent.OnPlay, options: new HookOptions { Timeout = TimeSpan.FromMilliseconds(50), MaxStatements = 0 });
        Assert.False(again.Allow);
    }

    [Fact]
    public async Task Scripts_see_no_clr()
    {
        await using var f = new HookFixture();
        var script = f.Load("clr.js", """
            function on_publish(ctx) {
              const names = ['System', 'importNamespace', 'clrHelper', '__lkm_native', 'require', 'process', 'host'];
              const visible = names.filter(n => typeof globalThis[n] !== 'undefined');
              let getType = typeof log.info.GetType + typeof http.get.GetType + typeof crypto.md5.GetType;
              return { allow: visible.length === 0 && getType === 'undefinedundefinedundefined', reason: visible.join(',') + getType };
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPublish);

        Assert.True(decision.Allow, decision.Reason);
    }

    [Fact]
    public async Task Log_helper_writes_to_the_hooks_category_prefixed_with_the_script()
    {
        await using var f = new HookFixture();
        var script = f.Load("talk.js", """
            function on_publish(ctx) {
              log.info('publish', ctx.stream, {n: 1});
              log.warn('careful');
              log.error('bad');
              log.debug('details');
              console.log('via console');
              return true;
            }
            """);

        await f.Run(script, HookEvent.OnPublish);

        var lines = f.Logs.Lines.Where(l => l.Category == "Lkm.Hooks").ToList();
        Assert.Contains((LogLevel.Information, "Lkm.Hooks", "[talk.js] publish live/cam1 {\"n\":1}"), lines);
        Assert.Contains((LogLevel.Warning, "Lkm.Hooks", "[talk.js] careful"), lines);
        Assert.Contains((LogLevel.Error, "Lkm.Hooks", "[talk.js] bad"), lines);
        Assert.Contains((LogLevel.Debug, "Lkm.Hooks", "[talk.js] details"), lines);
        Assert.Contains((LogLevel.Information, "Lkm.Hooks", "[talk.js] via console"), lines);
    }

    [Fact]
    public async Task Concurrent_calls_of_one_script_all_answer()
    {
        await using var f = new HookFixture();
        var script = f.Load("tok.js", "function on_publish(ctx) { let s = 0; for (let i = 0; i < 1000; i++) s += i; return ctx.query.token === 'abc' && s === 499500; }");

        var calls = Enumerable.Range(0, 200).Select(i => Task.Run(
            () => f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(query: ("token", i % 3 == 0 ? "no" : "abc"))),
            TestContext.Current.CancellationToken));
        var decisions = await Task.WhenAll(calls);

        for (int i = 0; i < decisions.Length; i++)
        {
            Assert.Equal(i % 3 != 0, decisions[i].Allow);
        }
    }
}
