using System.Globalization;
using System.Text.RegularExpressions;
using Lkm.Sdk.Testing;
using Lkm.Testing;

namespace Lkm.Plugins.Flv.Tests;

/// <summary>
/// The plugin's defaults live in <see cref="FlvPluginOptions"/>; README's rows and the shipped lkm.yaml
/// must name every key it reads with the default it reads it with.
/// </summary>
public sealed partial class FlvPluginOptionsReferenceTests
{
    [Fact]
    public void Reading_an_empty_section_gives_the_defaults()
    {
        var read = new TestPluginConfig();
        Assert.Equal(FlvPluginOptions.Default, FlvPluginOptions.From(read));
        Assert.NotEmpty(read.DefaultsRead);
        Assert.Empty(read.Errors);
    }

    [Fact]
    public void Readme_and_shipped_config_state_every_key_with_its_default()
    {
        var read = new TestPluginConfig();
        FlvPluginOptions.From(read);

        string readme = File.ReadAllText(RepoPaths.File("README.md"));
        var rows = ReadmeRow().Matches(readme).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var yaml = ShippedSection(File.ReadAllLines(RepoPaths.ShippedConfig), "flv");
        foreach (var (key, value) in read.DefaultsRead.ToDictionary(d => d.Key, d => AsWritten(d.Value)))
        {
            Assert.True(rows.TryGetValue(key, out var documented), $"README.md has no row for 'plugins.flv.{key}'");
            Assert.Equal(value, documented);
            Assert.True(yaml.TryGetValue(key, out var shipped), $"lkm.yaml does not mention 'plugins.flv.{key}'");
            Assert.True(shipped is null || shipped == value, $"lkm.yaml gives plugins.flv.{key} as '{shipped}', but its default is '{value}'");
        }

        Assert.Equal(read.DefaultsRead.Keys.Order(), rows.Keys.Order());
    }

    /// <summary>The keys of <c>plugins.&lt;name&gt;</c> in lkm.yaml (value null when commented out).</summary>
    private static Dictionary<string, string?> ShippedSection(string[] lines, string name)
    {
        var keys = new Dictionary<string, string?>();
        int start = Array.IndexOf(lines, $"  {name}:");
        for (int i = start + 1; start >= 0 && i < lines.Length && lines[i].StartsWith("    ", StringComparison.Ordinal); i++)
        {
            if (YamlKey().Match(lines[i]) is { Success: true } m)
            {
                keys[m.Groups[2].Value] = m.Groups[1].Length > 0 ? null : m.Groups[3].Value.Trim('"');
            }
        }

        return keys;
    }

    [GeneratedRegex(@"^\| `plugins\.flv\.([a-z_]+)` \| `([^`]*)` \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();

    [GeneratedRegex(@"^    (#\s*)?([a-z_]+):\s*(""[^""]*""|[^#\s]*)")]
    private static partial Regex YamlKey();

    /// <summary>A default as lkm.yaml writes it.</summary>
    private static string AsWritten(object? value) => value switch
    {
        TimeSpan t when t.TotalMilliseconds % 1000 == 0 => $"{t.TotalSeconds}s",
        TimeSpan t => $"{t.TotalMilliseconds}ms",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other?.ToString() ?? "",
    };
}
