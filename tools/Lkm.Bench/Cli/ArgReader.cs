using System.Globalization;

namespace Lkm.Bench.Cli;

/// <summary>Reads <c>--name value</c> pairs; options may repeat (e.g. several <c>--url</c>).</summary>
public sealed class ArgReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public ArgReader(IEnumerable<string> args, IReadOnlySet<string> known)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string name = e.Current;
            if (!known.Contains(name))
            {
                throw new UsageException($"unknown option '{name}'");
            }

            if (!e.MoveNext())
            {
                throw new UsageException($"option '{name}' needs a value");
            }

            if (!_values.TryGetValue(name, out var list))
            {
                _values[name] = list = [];
            }

            list.Add(e.Current);
        }
    }

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public string? Single(params string[] names)
    {
        var found = names.SelectMany(All).ToArray();
        return found.Length switch
        {
            0 => null,
            1 => found[0],
            _ => throw new UsageException($"option '{names[0]}' given more than once"),
        };
    }

    public string Required(params string[] names) => Single(names) ?? throw new UsageException($"option '{names[0]}' is required");

    public int Int(int fallback, int min, int max, params string[] names)
    {
        string? text = Single(names);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new UsageException($"option '{names[0]}' needs a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    public double? Double(double min, double max, params string[] names)
    {
        string? text = Single(names);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < min || value > max)
        {
            throw new UsageException($"option '{names[0]}' needs a number from {min} to {max}, not '{text}'");
        }

        return value;
    }
}
