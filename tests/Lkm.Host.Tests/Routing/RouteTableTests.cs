using Lkm.Host.Configuration;
using Lkm.Host.Hooks;

namespace Lkm.Host.Tests.Routing;

public sealed class RouteTableTests
{
    private static string WriteScript()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lkm-routes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "live.js"), "function on_publish(ctx) { return true; }");
        File.WriteAllText(Path.Combine(dir, "all.js"), "");
        return dir;
    }

    [Fact]
    public void First_matching_route_overrides_defaults_which_override_built_ins()
    {
        string dir = WriteScript();
        string yaml = """
            hooks:
              script: all.js
              timeout: 2s
            defaults:
              idle_timeout: 30s
              merge_write: 200ms
            routes:
              - match: "live/**"
                hooks: live.js
                protocols: [rtmp, flv]
                merge_write: 0
              - match: "live/special"
                gop_cache: false
              - match: "cam/*"
                receive_timeout: 15s
                on_error: allow
                max_players: 3
            """;
        var config = ConfigLoader.Parse(yaml, Path.Combine(dir, "lkm.yaml"));

        var live = config.Routes.Resolve("live/special");
        Assert.Equal("live/**", live.Route);
        Assert.Equal(0, live.MergeWriteMs);
        Assert.True(live.GopCache); // the first match wins, the second route never applies
        Assert.Equal(Path.Combine(dir, "live.js"), live.HookScript);
        Assert.True(live.AllowsPlay("flv"));
        Assert.False(live.AllowsPlay("ws-flv"));
        Assert.Equal(TimeSpan.FromSeconds(30), live.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), live.HookTimeout);

        var cam = config.Routes.Resolve("cam/1");
        Assert.Equal(TimeSpan.FromSeconds(15), cam.ReceiveTimeout);
        Assert.Equal(HookErrorPolicy.Allow, cam.OnError);
        Assert.Equal(3, cam.MaxPlayers);
        Assert.Equal(200, cam.MergeWriteMs);
        Assert.Equal(Path.Combine(dir, "all.js"), cam.HookScript);
        Assert.True(cam.AllowsPlay("ws-flv"));

        var other = config.Routes.Resolve("other/x");
        Assert.Equal("defaults", other.Route);
        Assert.Equal(TimeSpan.FromSeconds(10), other.ResumeWindow);
        Assert.Equal(HookErrorPolicy.Deny, other.OnError);
    }

    [Theory]
    [InlineData("routes:\n  - match: \"a/*\"\n    gop_cach: true\n", 3, "routes[0].gop_cach")]
    [InlineData("routes:\n  - hooks: x.js\n", 2, "needs a 'match:'")]
    [InlineData("routes:\n  - match: \"a\"\n    hooks: missing.js\n", 3, "not found")]
    [InlineData("routes:\n  - match: \"a\"\n    protocols: [RTMP!]\n", 3, "protocol names")]
    [InlineData("routes:\n  - match: \"a\"\n    on_error: maybe\n", 3, "on_error")]
    [InlineData("routes: 5\n", 1, "must be a list")]
    [InlineData("hooks:\n  timeout: 0\n", 2, "hooks.timeout")]
    public void Bad_routes_name_the_key_and_line(string yaml, int line, string expected)
    {
        string dir = WriteScript();
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Path.Combine(dir, "lkm.yaml")));
        Assert.Equal(line, ex.Line);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
