using Lkm.Host.Configuration;
using Lkm.Testing;

namespace Lkm.Host.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Shipped_config_loads_with_the_documented_defaults()
    {
        string path = Path.Combine(RepoPaths.Root, "lkm.yaml");
        var config = ConfigLoader.Load(path);
        Assert.Equal(8080, config.Server.Http);
        var policy = config.Routes.Resolve("live/test");
        Assert.Equal(350, policy.MergeWriteMs);
        Assert.Equal(TimeSpan.FromSeconds(10), policy.ResumeWindow);
        Assert.True(policy.GopCache);
        Assert.Equal(1935, config.Plugins.Sections["rtmp"].GetInt("port", 0));
        Assert.Equal(2 * 1024 * 1024, config.Server.GcYoungBudget);
    }

    [Theory]
    [InlineData("server:\n  gc_young_budget: 0\n", 0)]
    [InlineData("server:\n  gc_young_budget: 16MB\n", 16 * 1024 * 1024)]
    [InlineData("server:\n  http: 8080\n", 2 * 1024 * 1024)]
    public void Young_generation_budget_is_a_size_and_zero_turns_it_off(string yaml, long bytes) =>
        Assert.Equal(bytes, ConfigLoader.Parse(yaml, "t.yaml").Server.GcYoungBudget);

    [Fact]
    public void Unknown_key_names_file_line_and_column()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("server:\n  http: 8080\n  htp: 1\n", "test.yaml"));
        Assert.Equal(3, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Contains("unknown key 'server.htp'", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.yaml:3:3:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_section_is_an_error()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("servre:\n  http: 1\n", "t.yaml"));
        Assert.Equal(1, ex.Line);
        Assert.Contains("'servre'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server:\n  http: eighty\n", 2, "server.http")]
    [InlineData("server:\n  http: 70000\n", 2, "server.http")]
    [InlineData("defaults:\n  merge_write: 350\n", 2, "defaults.merge_write")]
    [InlineData("defaults:\n  gop_cache: maybe\n", 2, "defaults.gop_cache")]
    [InlineData("defaults:\n  player_max_queue: lots\n", 2, "defaults.player_max_queue")]
    [InlineData("log:\n  level: loud\n", 2, "log.level")]
    [InlineData("server:\n  listen: everywhere\n", 2, "server.listen")]
    [InlineData("server:\n  gc_young_budget: small\n", 2, "server.gc_young_budget")]
    public void Bad_value_names_the_key_and_line(string yaml, int line, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "t.yaml"));
        Assert.Equal(line, ex.Line);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_syntax_error_has_a_position()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("server:\n  http: [1, 2\n", "t.yaml"));
        Assert.True(ex.Line >= 2);
    }

    [Fact]
    public void Command_line_overrides_replace_and_add_values()
    {
        var config = ConfigLoader.Parse("server:\n  http: 8080\n", "t.yaml",
            [new("server.http", "18080"), new("plugins.rtmp.port", "19350"), new("defaults.merge_write", "0")]);
        Assert.Equal(18080, config.Server.Http);
        Assert.Equal(19350, config.Plugins.Sections["rtmp"].GetInt("port", 0));
        Assert.Equal(0, config.Routes.Resolve("x").MergeWriteMs);
    }

    [Theory]
    [InlineData("server.http", "abc", "'server.http' must be an integer")]
    [InlineData("server.htp", "1", "unknown key 'server.htp'")]
    [InlineData("serve.http", "1", "unknown key 'serve'")]
    [InlineData("defaults.merge_write", "9s", "'defaults.merge_write' must be at most 5s")]
    public void Override_errors_name_the_override(string key, string value, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("server:\n  http: 8080\n", "t.yaml", [new(key, value)]));
        Assert.StartsWith($"--set {key}={value}: {expected}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_of_a_plugin_key_names_the_override_when_the_plugin_reads_it()
    {
        var config = ConfigLoader.Parse("plugins:\n  rtmp:\n    port: 1935\n", "t.yaml", [new("plugins.rtmp.port", "x")]);
        var ex = Assert.Throws<ConfigException>(() => config.Plugins.Sections["rtmp"].GetInt("port", 0));
        Assert.StartsWith("--set plugins.rtmp.port=x: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_in_file_order()
    {
        string yaml = "server:\n  http: eighty\n  htp: 1\ndefaults:\n  merge_write: fast\nroutes:\n  - receive_timeout: 1s\n";
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "t.yaml", [new("log.level", "loud")]));
        Assert.Equal(
            [
                "--set log.level=loud: 'log.level' must be one of trace, debug, info, warn, error, off, not 'loud'",
                "t.yaml:2:9: 'server.http' must be an integer between 0 and 65535, not 'eighty'",
                "t.yaml:3:3: unknown key 'server.htp'",
                "t.yaml:5:16: 'defaults.merge_write' must be a duration with a unit (e.g. 350ms, 10s, 5m), not 'fast'",
                "t.yaml:7:5: 'routes[0]' needs a 'match:' pattern (e.g. live/**)",
            ],
            ex.Errors.Select(e => e.Message));
        Assert.Equal(string.Join('\n', ex.Errors.Select(e => e.Message)), ex.Message);
    }

    [Fact]
    public void After_the_load_a_bad_plugin_value_throws_at_once()
    {
        var config = ConfigLoader.Parse("plugins:\n  rtmp:\n    port: x\n", "t.yaml");
        var ex = Assert.Throws<ConfigException>(() => config.Plugins.Sections["rtmp"].GetInt("port", 0));
        Assert.StartsWith("t.yaml:3:11: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_written_in_the_file_are_relative_to_the_file()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lkm-paths");
        var config = ConfigLoader.Parse("log:\n  file: logs/lkm.log\nplugins:\n  dir: my-plugins\n", Path.Combine(dir, "lkm.yaml"));
        Assert.Equal(Path.Combine(dir, "logs", "lkm.log"), config.Log.File);
        Assert.Equal(Path.Combine(dir, "my-plugins"), config.Plugins.Dir);
    }

    [Fact]
    public void Unset_plugin_folder_stays_the_one_beside_the_binary()
    {
        // Relative: the plugin catalog puts it beside the host binary, where the build copies the plugins.
        var config = ConfigLoader.Parse("log:\n  file: \"\"\n", Path.Combine(Path.GetTempPath(), "lkm.yaml"));
        Assert.Equal("plugins", config.Plugins.Dir);
        Assert.Equal("", config.Log.File);
    }

    [Theory]
    [InlineData("350ms", 350)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("0", 0)]
    public void Durations_parse_with_units(string text, double ms)
    {
        Assert.True(ConfigValues.TryParseDuration(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("-1s")]
    [InlineData("s")]
    [InlineData("1x")]
    public void Durations_without_a_valid_unit_are_refused(string text) => Assert.False(ConfigValues.TryParseDuration(text, out _));

    [Theory]
    [InlineData("16MB", 16L * 1024 * 1024)]
    [InlineData("512KB", 512L * 1024)]
    [InlineData("1024", 1024)]
    public void Sizes_parse(string text, long bytes)
    {
        Assert.True(ConfigValues.TryParseSize(text, out long value));
        Assert.Equal(bytes, value);
    }

    [Fact]
    public void A_missing_file_is_named_by_the_full_path_tried_without_a_position()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lkm-missing-" + Guid.NewGuid().ToString("N"));
        string full = Path.Combine(dir, "my1.yaml");

        var ex = ConfigLoader.NotFound("my1.yaml", full, dir);

        Assert.Equal($"{full}: config file not found (a relative --config is resolved against the current directory, {dir})", ex.Message);
        Assert.Equal($"{full}: config file not found", ConfigLoader.NotFound(full, full, dir).Message); // a full path needs no explanation
    }

    [Fact]
    public void A_relative_config_missing_under_dotnet_run_says_it_runs_in_the_project_folder()
    {
        // The Web SDK's `dotnet run --project host/Lkm.Host` starts the host in host/Lkm.Host, whatever folder it was run from.
        string project = Path.Combine(RepoPaths.Root, "host", "Lkm.Host");

        var ex = ConfigLoader.NotFound("my1.yaml", Path.Combine(project, "my1.yaml"), project);

        Assert.Equal(
            $"{project}/my1.yaml: config file not found (a relative --config is resolved against the current directory, {project}; "
            + "`dotnet run --project host/Lkm.Host` runs in the project folder, not the one it was started from: give a full path, e.g. --config \"$PWD/my1.yaml\")",
            ex.Message);
    }
}
