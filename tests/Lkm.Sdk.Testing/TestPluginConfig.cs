using System.Collections.Concurrent;
using System.Globalization;
using Lkm.Sdk.Plugins;

namespace Lkm.Sdk.Testing;

/// <summary>
/// A plugin's config section from a dictionary. Values may be given as the type the plugin reads
/// (int, long, bool, string, <see cref="TimeSpan"/>) or as anything <see cref="Convert.ChangeType(object, Type, IFormatProvider)"/> converts.
/// Like the host, it gathers errors instead of throwing (a bad value reads as the default; see <see cref="Errors"/>),
/// remembers the keys read (<see cref="UnreadKeys"/>) and the default each was read with (<see cref="DefaultsRead"/>).
/// </summary>
public sealed class TestPluginConfig : IPluginConfig
{
    private readonly IReadOnlyDictionary<string, object> _values;
    private readonly ConcurrentDictionary<string, object?> _defaults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>A section named <paramref name="section"/> (as under <c>plugins:</c>) holding <paramref name="values"/>.</summary>
    public TestPluginConfig(IReadOnlyDictionary<string, object>? values = null, string section = "plugin")
    {
        _values = values ?? new Dictionary<string, object>();
        Path = $"plugins.{section}";
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <summary>The errors reported so far, worded like the host's (without the file position the host adds).</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Keys given that the plugin never read (the host reports these as unknown keys).</summary>
    public IReadOnlyList<string> UnreadKeys => [.. _values.Keys.Where(k => !_defaults.ContainsKey(k)).Order(StringComparer.Ordinal)];

    /// <summary>Every key the plugin read, with the default it gave (e.g. to check a README lists each key with its default).</summary>
    public IReadOnlyDictionary<string, object?> DefaultsRead => _defaults;

    /// <summary>Throws, as the host refuses to start, when a value was refused or a key given was never read.</summary>
    public void ThrowIfErrors()
    {
        var all = Errors.Concat(UnreadKeys.Select(k => $"unknown key '{Path}.{k}'")).ToList();
        if (all.Count > 0)
        {
            throw new ArgumentException(string.Join('\n', all));
        }
    }

    /// <inheritdoc/>
    public string GetString(string key, string defaultValue) => Read(key, defaultValue, "a string", _ => true, "");

    /// <inheritdoc/>
    public bool GetBool(string key, bool defaultValue) => Read(key, defaultValue, "true or false", _ => true, "");

    /// <inheritdoc/>
    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue) =>
        Read(key, defaultValue, "an integer", v => v >= min && v <= max, Range(min > int.MinValue ? min : null, max < int.MaxValue ? max : null));

    /// <inheritdoc/>
    public long GetSize(string key, long defaultValue, long min = 0, long max = long.MaxValue) =>
        Read(key, defaultValue, "a size", v => v >= min && v <= max, Range(min > 0 ? min : null, max < long.MaxValue ? max : null));

    /// <inheritdoc/>
    public TimeSpan GetDuration(string key, TimeSpan defaultValue, TimeSpan? min = null, TimeSpan? max = null) =>
        Read(key, defaultValue, "a duration", v => !(v < min) && !(v > max), Range(min, max));

    /// <inheritdoc/>
    public IReadOnlyList<string> GetList(string key)
    {
        _defaults[key] = null;
        return _values.TryGetValue(key, out var value) switch
        {
            false => [],
            true => value switch
            {
                string one => [one],
                IEnumerable<string> many => [.. many],
                _ => throw new InvalidCastException($"{Path}.{key}: a list must be given as strings, not {value.GetType().Name}"),
            },
        };
    }

    /// <inheritdoc/>
    public void Report(string key, string requirement) =>
        _errors.Enqueue(_values.TryGetValue(key, out var value) ? $"'{Path}.{key}' {requirement}, not '{value}'" : $"'{Path}.{key}' {requirement}");

    private T Read<T>(string key, T defaultValue, string kind, Func<T, bool> inRange, string range)
    {
        _defaults[key] = defaultValue;
        if (!_values.TryGetValue(key, out var given))
        {
            return defaultValue;
        }

        T value;
        try
        {
            value = given switch
            {
                T typed => typed,
                string s when typeof(T) == typeof(TimeSpan) => (T)(object)TimeSpan.Parse(s, CultureInfo.InvariantCulture),
                _ => (T)Convert.ChangeType(given, typeof(T), CultureInfo.InvariantCulture),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            _errors.Enqueue($"'{Path}.{key}' must be {kind}{range}, not '{Written(given)}'");
            return defaultValue;
        }

        if (!inRange(value))
        {
            _errors.Enqueue($"'{Path}.{key}' must be {kind}{range}, not '{Written(given)}'");
            return defaultValue;
        }

        return value;
    }

    private static string Range(object? lo, object? hi) => (lo, hi) switch
    {
        (not null, not null) => $" between {Written(lo)} and {Written(hi)}",
        (not null, null) => $" of at least {Written(lo)}",
        (null, not null) => $" of at most {Written(hi)}",
        _ => "",
    };

    /// <summary>A value as lkm.yaml writes it (durations with a unit: <c>0</c>, <c>350ms</c>, <c>10s</c>).</summary>
    private static string Written(object? value) => value switch
    {
        TimeSpan { Ticks: 0 } => "0",
        TimeSpan t when t.Ticks % TimeSpan.TicksPerSecond == 0 => FormattableString.Invariant($"{(long)t.TotalSeconds}s"),
        TimeSpan t => FormattableString.Invariant($"{t.TotalMilliseconds}ms"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
