using System.Reflection;
using Lkm.Host.Hooks;

namespace Lkm.Host.Tests.Hooks;

/// <summary>Engines do not leave every system time zone cached, and dates and named zones still work in scripts.</summary>
public sealed class HookTimeZoneTests
{
    [Fact]
    public async Task Building_an_engine_leaves_the_runtime_time_zone_cache_without_all_system_zones()
    {
        await using var f = new HookFixture();
        f.Load("tz.js", "function on_play(ctx) { return true; }");

        Assert.False(AllSystemTimeZonesCached(), "Jint's time-zone setup left every system zone in TimeZoneInfo's cache");
    }

    [Fact]
    public async Task Dates_and_named_time_zones_still_work_in_scripts()
    {
        await using var f = new HookFixture();
        var script = f.Load("dates.js", """
            function on_play(ctx) {
              const d = new Date(Date.UTC(2024, 6, 1, 12, 0, 0));
              const paris = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', hour: 'numeric', hourCycle: 'h23' }).format(d);
              return { allow: true, reason: d.toISOString() + '|' + paris + '|' + (typeof d.getTimezoneOffset()) };
            }
            """);

        var decision = await f.Run(script, HookEvent.OnPlay);

        Assert.Equal(new HookDecision(true, "2024-07-01T12:00:00.000Z|14|number", true), decision);
    }

    /// <summary>TimeZoneInfo's private cache flag; there is no public way to ask whether all zones were read.</summary>
    private static bool AllSystemTimeZonesCached()
    {
        const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic;
        _ = TimeZoneInfo.Utc; // runs TimeZoneInfo's static constructor, which creates the cache
        object cache = typeof(TimeZoneInfo).GetField("s_cachedData", Any | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException("TimeZoneInfo.s_cachedData not found: the runtime changed, update this test");
        var flag = cache.GetType().GetField("_allSystemTimeZonesRead", Any | BindingFlags.Instance)
            ?? throw new InvalidOperationException("CachedData._allSystemTimeZonesRead not found: the runtime changed, update this test");
        return (bool)flag.GetValue(cache)!;
    }
}
