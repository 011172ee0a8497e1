using System.Text.RegularExpressions;
using Lkm.Host.Configuration;
using Lkm.Host.Routing;
using Lkm.Sdk.Streaming;
using Lkm.Testing;

namespace Lkm.Host.Tests.Configuration;

/// <summary>
/// The key table (<see cref="ConfigKeys"/>) is the one home of every default: README's reference is
/// printed from it, the shipped lkm.yaml lists its keys with their defaults, and the records use it.
/// </summary>
public sealed partial class ConfigReferenceTests
{
    private const string Begin = "<!-- config-reference:";
    private const string End = "<!-- end config-reference -->";

    /// <summary>Keys the shipped lkm.yaml deliberately sets to something other than the default.</summary>
    private static readonly HashSet<string> ShippedChoices = [ConfigKeys.Hooks.Script.Path];

    [Fact]
    public void Readme_reference_is_the_printed_table()
    {
        string readme = File.ReadAllText(RepoPaths.File("README.md")).ReplaceLineEndings("\n");
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no '{Begin} ... {End}' block");
        int tableStart = readme.IndexOf('\n', begin) + 1;
        Assert.True(
            readme[tableStart..end] == ConfigReference.ToMarkdown(),
            "README's configuration reference differs from the key table; paste the output of "
            + "`dotnet run --project host/Lkm.Host -- --print-config-reference` between its markers");
    }

    [Fact]
    public void Shipped_config_lists_every_key_with_its_default()
    {
        var written = ShippedKeys();
        foreach (var key in ConfigKeys.All.Where(k => k is not NoteKey && !k.Path.Contains('<', StringComparison.Ordinal)))
        {
            Assert.True(written.TryGetValue(key.Path, out var entry), $"lkm.yaml does not mention '{key.Path}' (write it, or comment it out: '# {key.Name}: {key.DefaultText}')");
            if (entry.Value is { } value && !ShippedChoices.Contains(key.Path))
            {
                Assert.True(value == key.DefaultText, $"lkm.yaml line {entry.Line} gives '{key.Path}' as '{value}', but its default is '{key.DefaultText}'");
            }
        }

        var known = ConfigKeys.All.Select(k => k.Path).ToHashSet(StringComparer.Ordinal);
        Assert.All(written.Keys, path => Assert.Contains(path, known));
    }

    [Fact]
    public void Records_built_without_a_config_have_the_table_defaults()
    {
        var loaded = ConfigLoader.Parse("", "t.yaml");
        Assert.Equal(new ServerConfig(), loaded.Server);
        Assert.Equal(new LogConfig(), loaded.Log);
        Assert.Equal(new ApiConfig(), loaded.Api);
        Assert.Equal(new PluginsConfig { Sections = loaded.Plugins.Sections }, loaded.Plugins);
        Assert.Equal(new StreamPolicy(), loaded.Routes.Resolve("live/test"));
        Assert.Equal(StreamPolicy.From(StreamSettings.BuiltIn, "defaults"), new StreamPolicy());
        Assert.Equal(ConfigKeys.Server.Http.Default, loaded.Server.Http);
    }

    [Fact]
    public void Sdk_queue_limits_default_to_the_player_bounds_of_the_table()
    {
        // Plugins' own tests use SinkQueueLimits.Default; it must not drift from defaults.player_max_*.
        Assert.Equal(SinkQueueLimits.Default, new StreamPolicy().SinkLimits);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(350, "350ms")]
    [InlineData(60_000, "60s")]
    [InlineData(300_000, "5m")]
    public void Durations_are_written_as_lkm_yaml_writes_them(int ms, string text)
    {
        Assert.Equal(text, ConfigValues.FormatDuration(TimeSpan.FromMilliseconds(ms)));
        Assert.True(ConfigValues.TryParseDuration(text, out var back));
        Assert.Equal(ms, back.TotalMilliseconds);
    }

    /// <summary>
    /// <c>section.key</c> → (value, or null when only mentioned in a comment; line) for the host's
    /// sections of lkm.yaml, read as text so commented-out keys count as listed.
    /// </summary>
    private static Dictionary<string, (string? Value, int Line)> ShippedKeys()
    {
        string[] hostSections = ["server", "api", "log", "plugins", "hooks", "defaults"];
        var keys = new Dictionary<string, (string?, int)>(StringComparer.Ordinal);
        string? section = null;
        string[] lines = File.ReadAllLines(RepoPaths.ShippedConfig);
        for (int i = 0; i < lines.Length; i++)
        {
            if (SectionLine().Match(lines[i]) is { Success: true } s)
            {
                section = hostSections.Contains(s.Groups[1].Value) ? s.Groups[1].Value : null;
            }
            else if (section is not null && KeyLine().Match(lines[i]) is { Success: true } k && !(section == "plugins" && k.Groups[3].Value.Length == 0 && k.Groups[1].Length == 0))
            {
                keys[$"{section}.{k.Groups[2].Value}"] = (k.Groups[1].Length > 0 ? null : k.Groups[3].Value, i + 1);
            }
        }

        return keys;
    }

    [GeneratedRegex(@"^([a-z_]+):")]
    private static partial Regex SectionLine();

    /// <summary>A key of a section, two spaces in, perhaps commented out; the value without its comment.</summary>
    [GeneratedRegex(@"^  (#\s*)?([a-z_]+):\s*((?:""[^""]*""|[^#\s]+(?:\s+[^#\s]+)*)?)")]
    private static partial Regex KeyLine();
}
