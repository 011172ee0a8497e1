using System.Globalization;

namespace Lkm.Host.Configuration;

/// <summary>
/// One key of lkm.yaml: where it is, its default, the values it takes and what it is for. The loader
/// reads it, the config records take their defaults from it and the reference is printed from it.
/// </summary>
public abstract record ConfigKey(string Path, string Meaning)
{
    /// <summary>The key as written in its section (the last part of <see cref="Path"/>).</summary>
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>The default as lkm.yaml writes it.</summary>
    public abstract string DefaultText { get; }

    /// <summary>The default in the reference table (markdown).</summary>
    public virtual string DefaultMarkdown => $"`{DefaultText}`";

    /// <summary>Type, unit and range, in a few words.</summary>
    public abstract string Values { get; }
}

public sealed record IntKey(string Path, int Default, int Min, int Max, string Meaning) : ConfigKey(Path, Meaning)
{
    public override string DefaultText => Default.ToString(CultureInfo.InvariantCulture);

    public override string Values => Max == int.MaxValue ? $"integer ≥ {Min}" : $"integer {Min}..{Max}";

    public int Read(YamlSection s) => s.GetInt(Name, Default, Min, Max);
}

/// <summary>A byte count written with a unit (<c>16MB</c>).</summary>
public sealed record SizeKey(string Path, long Default, string Meaning) : ConfigKey(Path, Meaning)
{
    public long Min { get; init; }

    public long Max { get; init; } = long.MaxValue;

    public override string DefaultText => ConfigValues.FormatSize(Default);

    // The upper bound in whole MB, as the range error says it (int.MaxValue bytes reads as 2047MB).
    public override string Values => Max == long.MaxValue ? "size" : $"size {ConfigValues.FormatSize(Min)}..{Max / (1024 * 1024)}MB";

    public long Read(YamlSection s) => s.GetSize(Name, Default);
}

/// <summary>A time span written with a unit (<c>350ms</c>, <c>10s</c>).</summary>
public sealed record DurationKey(string Path, TimeSpan Default, string Meaning) : ConfigKey(Path, Meaning)
{
    public TimeSpan? Min { get; init; }

    public TimeSpan? Max { get; init; }

    /// <summary>Whether <c>0</c> is accepted below <see cref="Min"/> (it switches the setting off).</summary>
    public bool ZeroAllowed { get; init; } = true;

    public override string DefaultText => ConfigValues.FormatDuration(Default);

    public override string Values => (Min, Max, ZeroAllowed) switch
    {
        ({ } lo, { } hi, false) => $"duration {ConfigValues.FormatDuration(lo)}..{ConfigValues.FormatDuration(hi)}",
        ({ } lo, _, true) => $"duration, `0` or ≥ {ConfigValues.FormatDuration(lo)}",
        (null, { } hi, _) => $"duration ≤ {ConfigValues.FormatDuration(hi)}",
        _ => "duration",
    };
}

public sealed record BoolKey(string Path, bool Default, string Meaning) : ConfigKey(Path, Meaning)
{
    public override string DefaultText => Default ? "true" : "false";

    public override string Values => "`true` or `false`";

    public bool Read(YamlSection s) => s.GetBool(Name, Default);
}

/// <summary>Free text: an address, a token, a path.</summary>
public sealed record TextKey(string Path, string Default, string Values, string Meaning) : ConfigKey(Path, Meaning)
{
    public override string DefaultText => Default.Length == 0 ? "\"\"" : Default;

    public override string Values { get; } = Values;

    public string Read(YamlSection s) => s.GetString(Name, Default);
}

/// <summary>One of a few names, each standing for a value.</summary>
public sealed record ChoiceKey<T>(string Path, T Default, IReadOnlyDictionary<string, T> Names, string Meaning) : ConfigKey(Path, Meaning)
{
    public override string DefaultText => Names.First(n => EqualityComparer<T>.Default.Equals(n.Value, Default)).Key;

    public override string Values => string.Join(", ", Names.Keys.Select(n => $"`{n}`"));

    public T Read(YamlSection s) => s.GetEnum(Name, Default, Names);
}

/// <summary>A list of names; unset means no restriction.</summary>
public sealed record ListKey(string Path, string Values, string Meaning) : ConfigKey(Path, Meaning)
{
    public override string DefaultText => "all";

    public override string DefaultMarkdown => DefaultText;

    public override string Values { get; } = Values;
}

/// <summary>A row of the reference that stands for several keys or takes its default from elsewhere (<c>routes[].*</c>).</summary>
public sealed record NoteKey(string Path, string DefaultMarkdownText, string Values, string Meaning) : ConfigKey(Path, Meaning)
{
    public override string DefaultText => DefaultMarkdownText;

    public override string DefaultMarkdown => DefaultMarkdownText;

    public override string Values { get; } = Values;
}
