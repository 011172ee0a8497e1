using System.Globalization;
using System.Text.RegularExpressions;

namespace Lkm.Testing;

/// <summary>
/// Checks a plugin's documentation against its code: README.md's reference rows and the shipped
/// lkm.yaml must name every key the plugin reads, with the default it reads it with.
/// </summary>
public static class PluginConfigReference
{
    /// <param name="plugin">The plugin's section name (<c>plugins.&lt;plugin&gt;</c>).</param>
    /// <param name="defaultsRead">Each key the plugin read from an empty section, with its default.</param>
    public static void AssertDocumented(string plugin, IReadOnlyDictionary<string, object?> defaultsRead)
    {
        Assert.NotEmpty(defaultsRead);
        string readme = File.ReadAllText(RepoPaths.File("README.md"));
        var readmeRow = new Regex($@"^\| `plugins\.{Regex.Escape(plugin)}\.([a-z_]+)` \| `([^`]*)` \|", RegexOptions.Multiline);
        var rows = readmeRow.Matches(readme).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var yaml = ShippedSection(File.ReadAllLines(RepoPaths.ShippedConfig), plugin);
        foreach (var (key, value) in defaultsRead.ToDictionary(d => d.Key, d => AsWritten(d.Value)))
        {
            Assert.True(rows.TryGetValue(key, out var documented), $"README.md has no row for 'plugins.{plugin}.{key}'");
            Assert.Equal(value, documented);
            Assert.True(yaml.TryGetValue(key, out var shipped), $"lkm.yaml does not mention 'plugins.{plugin}.{key}'");
            Assert.True(shipped is null || shipped == value, $"lkm.yaml gives plugins.{plugin}.{key} as '{shipped}', but its default is '{value}'");
        }

        Assert.Equal(defaultsRead.Keys.Order(), rows.Keys.Order());
    }

    /// <summary>The keys of <c>plugins.&lt;name&gt;</c> in lkm.yaml (value null when commented out).</summary>
    private static Dictionary<string, string?> ShippedSection(string[] lines, string name)
    {
        var yamlKey = new Regex(@"^    (#\s*)?([a-z_]+):\s*(""[^""]*""|[^#\s]*)");
        var keys = new Dictionary<string, string?>();
        int start = Array.IndexOf(lines, $"  {name}:");
        for (int i = start + 1; start >= 0 && i < lines.Length && lines[i].StartsWith("    ", StringComparison.Ordinal); i++)
        {
            if (yamlKey.Match(lines[i]) is { Success: true } m)
            {
                keys[m.Groups[2].Value] = m.Groups[1].Length > 0 ? null : m.Groups[3].Value.Trim('"');
            }
        }

        return keys;
    }

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
