using System.Diagnostics;
using Lkm.Host.Hooks;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Hooks;

/// <summary>Live edits: a saved change applies within 2 s; a broken change is rejected and the old version keeps serving.</summary>
public sealed class HookReloadTests
{
    private static async Task<HookDecision> EventuallyAsync(HookFixture f, HookScript script, Func<HookDecision, bool> done, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var decision = await f.Run(script, HookEvent.OnPublish);
            if (done(decision) || watch.Elapsed > within)
            {
                return decision;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task An_edit_applies_to_the_next_decision_within_two_seconds()
    {
        await using var f = new HookFixture();
        var script = f.Load("live.js", "function on_publish(ctx) { return true; }");
        Assert.True((await f.Run(script, HookEvent.OnPublish)).Allow);
        Assert.Equal(1, script.Version);

        var watch = Stopwatch.StartNew();
        File.WriteAllText(script.FullPath, "function on_publish(ctx) { return {allow: false, reason: 'edited'}; }");
        var decision = await EventuallyAsync(f, script, d => !d.Allow, TimeSpan.FromSeconds(3));

        Assert.Equal(new HookDecision(false, "edited", true), decision);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(2, script.Version);
        Assert.Same(script, f.Engine.GetScript(script.FullPath));
    }

    [Fact]
    public async Task An_editor_style_atomic_replace_is_picked_up()
    {
        await using var f = new HookFixture();
        var script = f.Load("atomic.js", "function on_publish(ctx) { return true; }");
        string temp = script.FullPath + ".tmp";

        File.WriteAllText(temp, "function on_publish(ctx) { return false; }");
        File.Move(temp, script.FullPath, overwrite: true);
        var decision = await EventuallyAsync(f, script, d => !d.Allow, TimeSpan.FromSeconds(3));

        Assert.False(decision.Allow);
    }

    [Fact]
    public async Task A_broken_edit_is_rejected_with_its_location_and_the_old_version_keeps_serving()
    {
        await using var f = new HookFixture();
        var script = f.Load("keep.js", "function on_publish(ctx) { return {allow: false, reason: 'v1'}; }");

        File.WriteAllText(script.FullPath, "function on_publish(ctx) {\n  var ok = true;\n  return ok === ;\n}\n");
        var watch = Stopwatch.StartNew();
        while (script.LastError is null && watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(script.LastError);
        Assert.Equal(3, script.LastError.Line);
        Assert.True(f.Logs.Any(LogLevel.Error, $"{script.FullPath}:3:", "version 1 keeps serving"), f.Logs.Dump());
        Assert.Equal(new HookDecision(false, "v1", true), await f.Run(script, HookEvent.OnPublish));
        Assert.Equal(1, script.Version);
        Assert.Same(script, f.Engine.GetScript(script.FullPath)); // still usable

        File.WriteAllText(script.FullPath, "function on_publish(ctx) { return {allow: true, reason: 'v3'}; }");
        var fixedDecision = await EventuallyAsync(f, script, d => d.Allow, TimeSpan.FromSeconds(3));
        Assert.Equal(new HookDecision(true, "v3", true), fixedDecision);
        Assert.Null(script.LastError);
    }

    [Fact]
    public async Task A_reload_can_add_and_remove_events()
    {
        await using var f = new HookFixture();
        var script = f.Load("events.js", "function on_play(ctx) { return false; }");
        Assert.False((await f.Run(script, HookEvent.OnPublish)).FromScript);

        File.WriteAllText(script.FullPath, "function on_publish(ctx) { return false; }");
        var decision = await EventuallyAsync(f, script, d => d.FromScript, TimeSpan.FromSeconds(3));

        Assert.True(decision.FromScript);
        Assert.False(script.Defines(HookEvent.OnPlay));
    }
}
