using Lkm.Host.Configuration;
using Lkm.Host.Plugins;

namespace Lkm.Host.Tests.Plugins;

/// <summary>
/// The contract a plugin reads its section through: typed reads with ranges worded by the host, bad values
/// gathered (read as the default) with the host's own errors and <c>--set</c> errors, unknown keys in the same batch.
/// </summary>
public sealed class PluginConfigTests
{
    [Fact]
    public void Typed_reads_give_the_values_and_the_defaults_for_missing_keys()
    {
        var (config, errors) = Load("""
            plugins:
              demo:
                port: 1936
                on: yes
                name: cam
                limit: 512KB
                timeout: 350ms
                names: [a, b]
            """);

        Assert.Equal(1936, config.GetInt("port", 1935, 0, 65535));
        Assert.True(config.GetBool("on", false));
        Assert.Equal("cam", config.GetString("name", "x"));
        Assert.Equal(512 * 1024, config.GetSize("limit", 0, 1024, 1024 * 1024));
        Assert.Equal(TimeSpan.FromMilliseconds(350), config.GetDuration("timeout", TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(["a", "b"], config.GetList("names"));
        Assert.Equal(7, config.GetInt("missing", 7, 0, 10));
        Assert.Equal("plugins.demo", config.Path);
        config.ReportUnknownKeys();
        errors.ThrowIfAny();
    }

    [Fact]
    public void Out_of_range_values_read_as_the_default_and_are_worded_by_the_host_with_their_position()
    {
        var (config, errors) = Load("""
            plugins:
              demo:
                port: 70000
                limit: 2MB
                timeout: 0
                window: -1
            """);

        Assert.Equal(1935, config.GetInt("port", 1935, 0, 65535));
        Assert.Equal(1024, config.GetSize("limit", 1024, 1024, 1024 * 1024));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetDuration("timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(1)));
        Assert.Equal(5, config.GetInt("window", 5, 1));

        Assert.Equal(
            [
                "lkm.yaml:3:11: 'plugins.demo.port' must be an integer between 0 and 65535, not '70000'",
                "lkm.yaml:4:12: 'plugins.demo.limit' must be a size between 1KB and 1MB, not '2MB'",
                "lkm.yaml:5:14: 'plugins.demo.timeout' must be a duration of at least 1ms, not '0'",
                "lkm.yaml:6:13: 'plugins.demo.window' must be an integer of at least 1, not '-1'",
            ],
            Messages(errors));
    }

    [Fact]
    public void A_value_the_plugin_refuses_is_worded_like_the_typed_reads()
    {
        var (config, errors) = Load("plugins:\n  demo:\n    listen: here\n");

        Assert.Equal("here", config.GetString("listen", "0.0.0.0"));
        config.Report("listen", "must be an IP address");

        Assert.Equal(["lkm.yaml:3:13: 'plugins.demo.listen' must be an IP address, not 'here'"], Messages(errors));
    }

    [Fact]
    public void Unknown_keys_come_in_the_same_batch_as_bad_values()
    {
        var (config, errors) = Load("plugins:\n  demo:\n    prot: 1935\n    port: x\n");

        config.GetInt("port", 1935, 0, 65535);
        config.ReportUnknownKeys();

        Assert.Equal(
            [
                "lkm.yaml:3:5: unknown key 'plugins.demo.prot'",
                "lkm.yaml:4:11: 'plugins.demo.port' must be an integer between 0 and 65535, not 'x'",
            ],
            Messages(errors));
    }

    [Fact]
    public void Host_section_set_and_plugin_section_errors_are_reported_together_each_from_its_true_source()
    {
        var (config, errors) = Load("""
            defaults:
              merge_write: fast
            plugins:
              demo:
                port: 70000
            """, new KeyValuePair<string, string>("server.http", "abc"), new KeyValuePair<string, string>("plugins.demo.chunk", "1"));

        config.GetInt("port", 1935, 0, 65535);
        config.GetInt("chunk", 4096, 128, 65536);

        Assert.Equal(
            [
                "--set server.http=abc: 'server.http' must be an integer between 0 and 65535, not 'abc'",
                "--set plugins.demo.chunk=1: 'plugins.demo.chunk' must be an integer between 128 and 65536, not '1'",
                "lkm.yaml:2:16: 'defaults.merge_write' must be a duration with a unit (e.g. 350ms, 10s, 5m), not 'fast'",
                "lkm.yaml:5:11: 'plugins.demo.port' must be an integer between 0 and 65535, not '70000'",
            ],
            Messages(errors));
    }

    /// <summary>Loads <paramref name="yaml"/> as lkm.yaml leaving its errors open, and the <c>demo</c> plugin's section gathering into them.</summary>
    private static (PluginConfig Config, ConfigErrors Errors) Load(string yaml, params KeyValuePair<string, string>[] overrides)
    {
        var errors = new ConfigErrors();
        var loaded = ConfigLoader.Parse(yaml, "lkm.yaml", overrides, errors);
        return (new PluginConfig(loaded.Plugins.Sections["demo"].WithErrors(errors)), errors);
    }

    private static IReadOnlyList<string> Messages(ConfigErrors errors)
    {
        var ex = Assert.Throws<ConfigException>(errors.ThrowIfAny);
        return [.. ex.Errors.Select(e => e.Message)];
    }
}
