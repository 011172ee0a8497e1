using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lkm.Host.Configuration;

/// <summary>
/// One mapping of lkm.yaml with typed reads. Every key read is remembered, so the keys nobody read
/// can be reported as unknown with their position. A bad value is reported (<see cref="Report"/>)
/// and reads as the default, so one load finds every error; without a <see cref="ConfigErrors"/>
/// (or after the load) reporting throws.
/// </summary>
public sealed class YamlSection
{
    private static readonly Dictionary<YamlNode, string> NoOrigins = [];
    private readonly YamlMappingNode? _node;
    private readonly IReadOnlyDictionary<YamlNode, string> _origins;
    private readonly ConfigErrors? _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlSection(string file, string path, YamlMappingNode? node)
        : this(file, path, node, NoOrigins, null)
    {
    }

    /// <param name="origins">Nodes made by <c>--set</c> overrides, and which one made each (see <see cref="ConfigOverrides"/>).</param>
    /// <param name="errors">Where this load gathers its errors; null = each error throws.</param>
    public YamlSection(string file, string path, YamlMappingNode? node, IReadOnlyDictionary<YamlNode, string> origins, ConfigErrors? errors)
    {
        File = file;
        Path = path;
        _node = node;
        _origins = origins;
        _errors = errors;
    }

    public string File { get; }

    /// <summary>Dotted path of this section, e.g. <c>plugins.rtmp</c>.</summary>
    public string Path { get; }

    public bool Exists => _node is not null;

    public IEnumerable<string> Keys => _node?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "") ?? [];

    public bool Has(string key) => Find(key) is not null;

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public YamlSection Section(string key)
    {
        _read.Add(key);
        var node = Find(key);
        return node switch
        {
            null => Child(KeyPath(key), null),
            YamlMappingNode map => Child(KeyPath(key), map),
            YamlScalarNode { Value: null or "" or "~" } => Child(KeyPath(key), null),
            _ => Fail(Error(node, $"'{KeyPath(key)}' must be a mapping of keys"), Child(KeyPath(key), null)),
        };
    }

    /// <summary>A sequence of mappings (e.g. <c>routes:</c>), each as a section named <c>key[i]</c>.</summary>
    public IReadOnlyList<YamlSection> Sections(string key)
    {
        _read.Add(key);
        var node = Find(key);
        return node switch
        {
            null => [],
            YamlScalarNode { Value: null or "" or "~" } => [],
            YamlSequenceNode seq => seq.Children.Select((c, i) => c is YamlMappingNode map
                ? Child($"{KeyPath(key)}[{i}]", map)
                : Fail(Error(c, $"'{KeyPath(key)}[{i}]' must be a mapping of keys"), (YamlSection?)null)).OfType<YamlSection>().ToList(),
            _ => Fail(Error(node, $"'{KeyPath(key)}' must be a list"), new List<YamlSection>()),
        };
    }

    public YamlNode? Node => _node;

    public string GetString(string key, string defaultValue) => Scalar(key) is { } s ? s.Value ?? defaultValue : defaultValue;

    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Scalar(key) is not { } s)
        {
            return defaultValue;
        }

        if (!int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            string range = Range(min > int.MinValue ? Invariant(min) : null, max < int.MaxValue ? Invariant(max) : null);
            return Fail(Error(s, $"'{KeyPath(key)}' must be an integer{range}, not '{s.Value}'"), defaultValue);
        }

        return value;
    }

    public double GetDouble(string key, double defaultValue)
    {
        if (Scalar(key) is not { } s)
        {
            return defaultValue;
        }

        if (!double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return Fail(Error(s, $"'{KeyPath(key)}' must be a number, not '{s.Value}'"), defaultValue);
        }

        return value;
    }

    public bool GetBool(string key, bool defaultValue)
    {
        if (Scalar(key) is not { } s)
        {
            return defaultValue;
        }

        return s.Value?.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => Fail(Error(s, $"'{KeyPath(key)}' must be true or false, not '{s.Value}'"), defaultValue),
        };
    }

    public TimeSpan GetDuration(string key, TimeSpan defaultValue, TimeSpan? min = null, TimeSpan? max = null)
    {
        if (Scalar(key) is not { } s)
        {
            return defaultValue;
        }

        if (!ConfigValues.TryParseDuration(s.Value ?? "", out var value))
        {
            return Fail(Error(s, $"'{KeyPath(key)}' must be a duration with a unit (e.g. 350ms, 10s, 5m), not '{s.Value}'"), defaultValue);
        }

        if (value < min || value > max)
        {
            string range = Range(min is { } lo ? ConfigValues.FormatDuration(lo) : null, max is { } hi ? ConfigValues.FormatDuration(hi) : null);
            return Fail(Error(s, $"'{KeyPath(key)}' must be a duration{range}, not '{s.Value}'"), defaultValue);
        }

        return value;
    }

    public long GetSize(string key, long defaultValue, long min = 0, long max = long.MaxValue)
    {
        if (Scalar(key) is not { } s)
        {
            return defaultValue;
        }

        if (!ConfigValues.TryParseSize(s.Value ?? "", out long value))
        {
            return Fail(Error(s, $"'{KeyPath(key)}' must be a size (e.g. 512KB, 16MB), not '{s.Value}'"), defaultValue);
        }

        if (value < min || value > max)
        {
            string range = Range(min > 0 ? ConfigValues.FormatSize(min) : null, max < long.MaxValue ? ConfigValues.FormatSize(max) : null);
            return Fail(Error(s, $"'{KeyPath(key)}' must be a size{range}, not '{s.Value}'"), defaultValue);
        }

        return value;
    }

    public T GetEnum<T>(string key, T defaultValue, IReadOnlyDictionary<string, T> names)
    {
        if (Scalar(key) is not { } s)
        {
            return defaultValue;
        }

        if (!names.TryGetValue((s.Value ?? "").ToLowerInvariant(), out var value))
        {
            return Fail(Error(s, $"'{KeyPath(key)}' must be one of {string.Join(", ", names.Keys)}, not '{s.Value}'"), defaultValue);
        }

        return value;
    }

    public IReadOnlyList<string> GetList(string key)
    {
        _read.Add(key);
        var node = Find(key);
        return node switch
        {
            null => [],
            YamlSequenceNode seq => seq.Children.Select(c => c is YamlScalarNode sc ? sc.Value ?? "" : Fail(Error(c, $"'{KeyPath(key)}' must be a list of scalars"), (string?)null))
                .OfType<string>().ToList(),
            YamlScalarNode sc when string.IsNullOrEmpty(sc.Value) => [],
            YamlScalarNode sc => [sc.Value!],
            _ => Fail(Error(node, $"'{KeyPath(key)}' must be a list"), new List<string>()),
        };
    }

    /// <summary>
    /// Reports a value refused for a reason of the reader's own (<paramref name="requirement"/>, e.g. "must be an IP
    /// address"), worded like the typed reads: <c>'a.b' must be an IP address, not 'x'</c>.
    /// </summary>
    public void Refuse(string key, string requirement)
    {
        string value = Find(key) is YamlScalarNode { Value: { } text } ? $", not '{text}'" : "";
        Report(Error(key, $"'{KeyPath(key)}' {requirement}{value}"));
    }

    /// <summary>The same mapping, its errors gathered by <paramref name="errors"/> and its reads counted afresh (a plugin's section, read by its plugin).</summary>
    public YamlSection WithErrors(ConfigErrors errors) => new(File, Path, _node, _origins, errors);

    /// <summary>Marks a key as handled by someone else (e.g. a plugin section read by its plugin).</summary>
    public void MarkRead(string key) => _read.Add(key);

    /// <summary>Reports every key of this mapping that was never read.</summary>
    public void EnsureNoUnknownKeys()
    {
        if (_node is null)
        {
            return;
        }

        foreach (var (keyNode, _) in _node.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!_read.Contains(key))
            {
                Report(Error(keyNode, $"unknown key '{KeyPath(key)}'"));
            }
        }
    }

    /// <summary>Gathers <paramref name="error"/> with the others of this load, or throws it when nothing gathers.</summary>
    public void Report(ConfigException error)
    {
        if (_errors is null)
        {
            throw error;
        }

        _errors.Add(error);
    }

    public ConfigException Error(YamlNode node, string message) => _origins.TryGetValue(node, out string? origin)
        ? new(origin, message)
        : new(File, node.Start.Line, node.Start.Column, message);

    /// <summary>An error about a key's value, positioned at the value (or the key when it has none).</summary>
    public ConfigException Error(string key, string message)
    {
        var node = Find(key) ?? FindKeyNode(key);
        return node is null ? new ConfigException(File, 0, 0, message) : Error(node, message);
    }

    /// <summary>" between lo and hi", " of at least lo", " of at most hi" or "" (unbounded).</summary>
    private static string Range(string? lo, string? hi) => (lo, hi) switch
    {
        (not null, not null) => $" between {lo} and {hi}",
        (not null, null) => $" of at least {lo}",
        (null, not null) => $" of at most {hi}",
        _ => "",
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private YamlSection Child(string path, YamlMappingNode? node) => new(File, path, node, _origins, _errors);

    /// <summary>Reports <paramref name="error"/>; the read goes on with <paramref name="fallback"/>.</summary>
    private T Fail<T>(ConfigException error, T fallback)
    {
        Report(error);
        return fallback;
    }

    private YamlScalarNode? Scalar(string key)
    {
        _read.Add(key);
        var node = Find(key);
        return node switch
        {
            null => null,
            YamlScalarNode s when s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" or "null") => null,
            YamlScalarNode s => s,
            _ => Fail(Error(node, $"'{KeyPath(key)}' must be a single value"), (YamlScalarNode?)null),
        };
    }

    private YamlNode? Find(string key)
    {
        if (_node is null)
        {
            return null;
        }

        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private YamlNode? FindKeyNode(string key) =>
        _node?.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key);
}
