using System.Diagnostics;
using Lkm.Host.Hooks;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Hooks;

/// <summary>Scripts that throw, run away or do not parse: the error policy applies and the log names file and line.</summary>
public sealed class HookErrorTests
{
    [Fact]
    public async Task A_throw_applies_the_policy_and_logs_file_and_line()
    {
        await using var f = new HookFixture();
        var script = f.Load("thrower.js", "// line 1\nfunction on_publish(ctx) {\n  throw new Error('no way');\n}\n");

        var denied = await f.Run(script, HookEvent.OnPublish);
        var allowed = await f.Run(script, HookEvent.OnPublish, options: new HookOptions { OnError = HookErrorPolicy.Allow });

        Assert.False(denied.Allow);
        Assert.True(denied.FromScript);
        Assert.Contains("Error: no way", denied.Reason);
        Assert.Contains("thrower.js:3:", denied.Reason);
        Assert.True(allowed.Allow);
        Assert.True(f.Logs.Any(LogLevel.Warning, "thrower.js:3:", "live/cam1", "no way", "denied"), f.Logs.Dump());
        Assert.True(f.Logs.Any(LogLevel.Warning, "thrower.js:3:", "allowed (on_error: allow)"), f.Logs.Dump());
    }

    [Fact]
    public async Task A_runtime_type_error_names_its_line()
    {
        await using var f = new HookFixture();
        var script = f.Load("npe.js", "function on_play(ctx) {\n  var x = null;\n  return x.allow;\n}\n");

        var decision = await f.Run(script, HookEvent.OnPlay);

        Assert.False(decision.Allow);
        Assert.Contains("TypeError", decision.Reason);
        Assert.True(f.Logs.Any(LogLevel.Warning, "npe.js:3:"), f.Logs.Dump());
    }

    [Fact]
    public async Task A_rejected_async_hook_names_its_line()
    {
        await using var f = new HookFixture();
        var script = f.Load("async-throw.js", "async function on_publish(ctx) {\n  await null;\n  throw new RangeError('late');\n}\n");

        var decision = await f.Run(script, HookEvent.OnPublish);

        Assert.False(decision.Allow);
        Assert.Contains("RangeError: late", decision.Reason);
        Assert.True(f.Logs.Any(LogLevel.Warning, "async-throw.js:3:"), f.Logs.Dump());
    }

    [Fact]
    public async Task A_promise_nothing_can_settle_fails_at_once()
    {
        await using var f = new HookFixture();
        var script = f.Load("stuck.js", "function on_play(ctx) { return new Promise(() => {}); }");
        var watch = Stopwatch.StartNew();

        var decision = await f.Run(script, HookEvent.OnPlay);

        Assert.False(decision.Allow);
        Assert.Contains("nothing can settle", decision.Reason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_syntax_error_on_first_load_throws_with_line_and_column()
    {
        await using var f = new HookFixture();
        string path = f.Write("broken.js", "function on_publish(ctx) {\n  return ctx.query.token === ;\n}\n");

        var ex = Assert.Throws<HookScriptException>(() => f.Engine.GetScript(path));

        Assert.Equal(path, ex.File);
        Assert.Equal(2, ex.Line);
        Assert.Equal(29, ex.Column);
        Assert.StartsWith($"{path}:2:29: ", ex.Message);
        Assert.True(f.Logs.Any(LogLevel.Error, $"{path}:2:29"), f.Logs.Dump());
        Assert.Throws<HookScriptException>(() => f.Engine.GetScript(path)); // still broken, still refused
    }

    [Fact]
    public async Task A_top_level_throw_on_first_load_throws_with_its_line()
    {
        await using var f = new HookFixture();
        string path = f.Write("toplevel.js", "var a = 1;\nundefinedFunction();\nfunction on_publish() { return true; }\n");

        var ex = Assert.Throws<HookScriptException>(() => f.Engine.GetScript(path));

        Assert.Equal(2, ex.Line);
        Assert.Contains("ReferenceError", ex.Message);
    }

    [Fact]
    public async Task A_broken_script_that_gets_fixed_is_picked_up()
    {
        await using var f = new HookFixture();
        string path = f.Write("fixme.js", "function on_publish( {");
        Assert.Throws<HookScriptException>(() => f.Engine.GetScript(path));

        File.WriteAllText(path, "function on_publish(ctx) { return true; }");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5)); // a different stamp even on coarse clocks
        var script = f.Engine.GetScript(path);

        Assert.True((await f.Run(script, HookEvent.OnPublish)).Allow);
    }

    [Fact]
    public async Task Missing_file_throws()
    {
        await using var f = new HookFixture();
        var ex = Assert.Throws<HookScriptException>(() => f.Engine.GetScript(Path.Combine(Path.GetTempPath(), "no-such-hook-script.js")));
        Assert.Contains("cannot read", ex.Message);
    }

    [Theory]
    [InlineData("function f(n) { return f(n + 1); }\nfunction on_publish(ctx) { return f(0); }", "recursion")]
    [InlineData("function on_publish(ctx) { var a = []; while (true) { a.push('x'.repeat(100000)); } }", "memory")]
    [InlineData("function on_publish(ctx) { var i = 0; while (true) { i++; } }", "statements")]
    public async Task Limits_stop_a_script_and_apply_the_policy(string source, string what)
    {
        await using var f = new HookFixture();
        var script = f.Load($"limit-{what}.js", source);
        var options = new HookOptions { Timeout = TimeSpan.FromSeconds(5), MaxStatements = 100_000, MemoryLimitBytes = 8 * 1024 * 1024, MaxRecursion = 64 };

        var decision = await f.Run(script, HookEvent.OnPublish, options: options);

        Assert.False(decision.Allow);
        Assert.True(decision.FromScript);
        Assert.Contains(what, decision.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.True(f.Logs.Any(LogLevel.Warning, $"limit-{what}.js"), f.Logs.Dump());
    }
}
