using Lkm.Host.Configuration;
using YamlDotNet.RepresentationModel;

namespace Lkm.Host.Tests.Configuration;

/// <summary>
/// Typed reads of one lkm.yaml mapping: values, defaults, units, and errors that point at <c>file:line:col</c>
/// of the offending node so the user can fix it.
/// </summary>
public sealed class YamlSectionTests
{
    /// <summary>The one place a section is built: the root mapping of <paramref name="yaml"/> read from <paramref name="file"/>.</summary>
    private static YamlSection Parse(string yaml, string file = "t.yaml", string path = "")
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new YamlSection(file, path, (YamlMappingNode)stream.Documents[0].RootNode);
    }

    [Fact]
    public void Typed_getters_read_values_and_fall_back_to_defaults_for_missing_or_null_keys()
    {
        var s = Parse("""
            port: 1935
            ratio: 0.75
            cors: yes
            name: "cam 1"
            empty:
            tilde: ~
            """);
        Assert.Equal(1935, s.GetInt("port", 0));
        Assert.Equal(0.75, s.GetDouble("ratio", 0));
        Assert.True(s.GetBool("cors", false));
        Assert.Equal("cam 1", s.GetString("name", "x"));
        Assert.Equal(7, s.GetInt("missing", 7));
        Assert.Equal(7, s.GetInt("empty", 7));
        Assert.Equal(7, s.GetInt("tilde", 7));
        Assert.Equal("d", s.GetString("empty", "d"));
        Assert.False(s.GetBool("missing", false));
    }

    [Fact]
    public void A_quoted_empty_string_is_a_value_not_a_missing_key()
    {
        var s = Parse("script: \"\"\nother: ''\n");
        Assert.Equal("", s.GetString("script", "hooks.js"));
        Assert.Equal("", s.GetString("other", "hooks.js"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("on", true)]
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData("off", false)]
    [InlineData("NO", false)]
    public void Booleans_accept_the_yaml_spellings(string text, bool expected) =>
        Assert.Equal(expected, Parse($"flag: {text}\n").GetBool("flag", !expected));

    [Theory]
    [InlineData("350ms", 350)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("0", 0)]
    [InlineData("250MS", 250)]
    public void Durations_need_a_unit(string text, double expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Parse($"timeout: {text}\n").GetDuration("timeout", TimeSpan.FromDays(1)));

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("512KB", 512L * 1024)]
    [InlineData("16MB", 16L * 1024 * 1024)]
    [InlineData("2MiB", 2L * 1024 * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("100B", 100L)]
    [InlineData("4kb", 4096L)]
    public void Sizes_take_binary_units(string text, long expected) =>
        Assert.Equal(expected, Parse($"queue: {text}\n").GetSize("queue", -1));

    [Theory]
    [InlineData("port: eighty\n", "port", "must be an integer between 1 and 65535, not 'eighty'")]
    [InlineData("port: 70000\n", "port", "must be an integer between 1 and 65535, not '70000'")]
    [InlineData("port: 0\n", "port", "must be an integer between 1 and 65535, not '0'")]
    public void Integer_out_of_range_or_not_a_number_names_key_bounds_and_value(string yaml, string key, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml, path: "server").GetInt(key, 1, min: 1, max: 65535));
        Assert.Equal($"t.yaml:1:7: 'server.{key}' {message}", ex.Message);
        Assert.Equal(("t.yaml", 1L, 7L), (ex.File, ex.Line, ex.Column));
    }

    [Fact]
    public void Bad_values_point_at_the_value_with_file_line_and_column()
    {
        var s = Parse("""
            a: 1
            flag: maybe
            ratio: lots
            timeout: 10
            limit: 3 apples
            mode: loud
            """, file: "conf/lkm.yaml", path: "defaults");
        AssertError(() => s.GetBool("flag", false), "conf/lkm.yaml:2:7: 'defaults.flag' must be true or false, not 'maybe'");
        AssertError(() => s.GetDouble("ratio", 0), "conf/lkm.yaml:3:8: 'defaults.ratio' must be a number, not 'lots'");
        AssertError(() => s.GetDuration("timeout", TimeSpan.Zero), "conf/lkm.yaml:4:10: 'defaults.timeout' must be a duration with a unit (e.g. 350ms, 10s, 5m), not '10'");
        AssertError(() => s.GetSize("limit", 0), "conf/lkm.yaml:5:8: 'defaults.limit' must be a size (e.g. 512KB, 16MB), not '3 apples'");
        AssertError(
            () => s.GetEnum("mode", 0, new Dictionary<string, int> { ["quiet"] = 1, ["normal"] = 2 }),
            "conf/lkm.yaml:6:7: 'defaults.mode' must be one of quiet, normal, not 'loud'");
    }

    [Theory]
    [InlineData("-5s")]
    [InlineData("s")]
    [InlineData("fast")]
    [InlineData("NaNs")]
    public void Negative_or_malformed_durations_are_refused(string text) =>
        Assert.Throws<ConfigException>(() => Parse($"t: {text}\n").GetDuration("t", TimeSpan.Zero));

    [Theory]
    [InlineData("-1")]
    [InlineData("MB")]
    [InlineData("1.5MB")]
    [InlineData("99999999999999999999GB")]
    [InlineData("9223372036854775807KB")]
    public void Negative_fractional_or_overflowing_sizes_are_refused(string text) =>
        Assert.Throws<ConfigException>(() => Parse($"q: {text}\n").GetSize("q", 0));

    [Fact]
    public void Enum_names_are_case_insensitive()
    {
        var names = new Dictionary<string, int> { ["deny"] = 1, ["allow"] = 2 };
        Assert.Equal(2, Parse("on_error: Allow\n").GetEnum("on_error", 0, names));
        Assert.Equal(9, Parse("other: 1\n").GetEnum("on_error", 9, names));
    }

    [Fact]
    public void A_mapping_or_list_where_a_value_belongs_is_an_error_at_that_node()
    {
        var s = Parse("port:\n  value: 1\nlisten: [a, b]\n", path: "rtmp");
        AssertError(() => s.GetInt("port", 0), "t.yaml:2:3: 'rtmp.port' must be a single value");
        AssertError(() => s.GetString("listen", ""), "t.yaml:3:9: 'rtmp.listen' must be a single value");
    }

    [Fact]
    public void Lists_accept_a_sequence_a_single_scalar_or_nothing()
    {
        var s = Parse("""
            many: [a, b, c]
            block:
              - x
              - y
            one: z
            none:
            nested: [[1]]
            map: {k: v}
            """);
        Assert.Equal(["a", "b", "c"], s.GetList("many"));
        Assert.Equal(["x", "y"], s.GetList("block"));
        Assert.Equal(["z"], s.GetList("one"));
        Assert.Empty(s.GetList("none"));
        Assert.Empty(s.GetList("missing"));
        AssertError(() => s.GetList("nested"), "t.yaml:7:10: 'nested' must be a list of scalars");
        AssertError(() => s.GetList("map"), "t.yaml:8:6: 'map' must be a list");
    }

    [Fact]
    public void Nested_sections_carry_their_dotted_path_and_a_missing_one_reads_as_defaults()
    {
        var root = Parse("""
            plugins:
              rtmp:
                port: x
            empty:
            scalar: 5
            """);
        var rtmp = root.Section("plugins").Section("rtmp");
        Assert.True(rtmp.Exists);
        Assert.Equal("plugins.rtmp", rtmp.Path);
        Assert.Equal("plugins.rtmp.port", rtmp.KeyPath("port"));
        AssertError(() => rtmp.GetInt("port", 0), "t.yaml:3:11: 'plugins.rtmp.port' must be an integer, not 'x'");

        var missing = root.Section("nope");
        Assert.False(missing.Exists);
        Assert.Equal("nope", missing.Path);
        Assert.Equal(42, missing.GetInt("anything", 42));
        missing.EnsureNoUnknownKeys();

        Assert.False(root.Section("empty").Exists);
        AssertError(() => root.Section("scalar"), "t.yaml:5:9: 'scalar' must be a mapping of keys");
    }

    [Fact]
    public void A_list_of_mappings_is_read_as_indexed_sections()
    {
        var root = Parse("""
            routes:
              - match: live/*
                merge_write: 0ms
              - match: vod/*
            bad:
              - match: a
              - just a string
            """);
        var routes = root.Sections("routes");
        Assert.Equal(["routes[0]", "routes[1]"], routes.Select(r => r.Path));
        Assert.Equal("vod/*", routes[1].GetString("match", ""));
        Assert.Equal(TimeSpan.Zero, routes[0].GetDuration("merge_write", TimeSpan.FromSeconds(1)));
        Assert.Empty(root.Sections("missing"));
        AssertError(() => root.Sections("bad"), "t.yaml:7:5: 'bad[1]' must be a mapping of keys");
        AssertError(() => routes[0].Sections("match"), "t.yaml:2:12: 'routes[0].match' must be a list");
    }

    [Fact]
    public void Keys_nobody_read_are_reported_at_the_key_with_its_full_path()
    {
        var server = Parse("""
            server:
              http: 8080
              htp: 1
            """).Section("server");
        Assert.Equal(["http", "htp"], server.Keys);
        Assert.True(server.Has("htp"));
        Assert.False(server.Has("rtmp"));
        Assert.Equal(8080, server.GetInt("http", 0));
        AssertError(server.EnsureNoUnknownKeys, "t.yaml:3:3: unknown key 'server.htp'");

        server.MarkRead("htp");
        server.EnsureNoUnknownKeys();
    }

    [Fact]
    public void Reading_a_key_with_any_getter_marks_it_known_even_when_it_falls_back_to_the_default()
    {
        var s = Parse("a: 1\nb: ~\nc: [x]\nd:\n  e: 1\n");
        s.GetString("a", "");
        s.GetInt("b", 0);
        s.GetList("c");
        s.Section("d");
        s.EnsureNoUnknownKeys();
    }

    [Fact]
    public void Error_for_a_key_points_at_its_value_or_at_the_key_when_it_has_none_or_names_only_the_file_when_missing()
    {
        var s = Parse("port: 99999\nlisten:\n", file: "x.yaml", path: "rtmp");
        Assert.Equal("x.yaml:1:7: port out of range", s.Error("port", "port out of range").Message);
        var onValue = s.Error("listen", "needed");
        Assert.Equal((2L, 8L), (onValue.Line, onValue.Column));
        var missing = s.Error("nowhere", "nothing here");
        Assert.Equal("x.yaml: nothing here", missing.Message); // no made-up 0:0 position
        Assert.Equal(0L, missing.Line);
    }

    private static void AssertError(Action read, string message)
    {
        var ex = Assert.Throws<ConfigException>(read);
        Assert.Equal(message, ex.Message);
    }

    private static void AssertError(Func<object?> read, string message) => AssertError(() => { read(); }, message);
}
