using System.Collections.Concurrent;
using System.Globalization;
using Lkm.Sdk.Plugins;

namespace Lkm.Sdk.Testing;

/// <summary>
/// A plugin's config section from a dictionary. Values may be given as the type the plugin reads
/// (int, long, bool, string, double, <see cref="TimeSpan"/>) or as anything <see cref="Convert.ChangeType(object, Type, IFormatProvider)"/> converts.
/// Keys the plugin read are remembered, so a test can check there are no unknown keys, as the host does.
/// </summary>
public sealed class TestPluginConfig : IPluginConfig
{
    private readonly IReadOnlyDictionary<string, object> _values;
    private readonly ConcurrentDictionary<string, bool> _read = new(StringComparer.Ordinal);

    /// <summary>A section named <paramref name="section"/> (as under <c>plugins:</c>) holding <paramref name="values"/>.</summary>
    public TestPluginConfig(IReadOnlyDictionary<string, object>? values = null, string section = "plugin")
    {
        _values = values ?? new Dictionary<string, object>();
        Section = section;
    }

    /// <summary>The section's name, used in error messages (<c>rtmp.port ...</c>).</summary>
    public string Section { get; }

    /// <summary>Keys given that the plugin never read (the host reports these as unknown keys).</summary>
    public IReadOnlyList<string> UnreadKeys => [.. _values.Keys.Where(k => !_read.ContainsKey(k)).Order(StringComparer.Ordinal)];

    /// <inheritdoc/>
    public T Get<T>(string key, T defaultValue)
    {
        _read[key] = true;
        if (!_values.TryGetValue(key, out var value))
        {
            return defaultValue;
        }

        return value switch
        {
            T typed => typed,
            string s when typeof(T) == typeof(TimeSpan) => (T)(object)TimeSpan.Parse(s, CultureInfo.InvariantCulture),
            _ => (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture),
        };
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> GetList(string key)
    {
        _read[key] = true;
        return _values.TryGetValue(key, out var value) switch
        {
            false => [],
            true => value switch
            {
                string one => [one],
                IEnumerable<string> many => [.. many],
                _ => throw new InvalidCastException($"{Section}.{key}: a list must be given as strings, not {value.GetType().Name}"),
            },
        };
    }

    /// <summary>An <see cref="ArgumentException"/> naming <c>section.key</c> (the host's error also names file, line and column).</summary>
    public Exception Error(string key, string message) => new ArgumentException($"{Section}.{key} {message}", key);
}
