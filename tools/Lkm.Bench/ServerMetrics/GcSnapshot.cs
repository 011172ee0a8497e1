using System.Globalization;

namespace Lkm.Bench.ServerMetrics;

/// <summary>
/// The GC figures of one scrape of an LKM.NET <c>/metrics</c>: <c>lkm_gc_collections_total{generation}</c>
/// (GC.CollectionCount: collections of that generation or an older one, so gen0 counts every GC),
/// <c>lkm_gc_pause_seconds_total</c> and <c>lkm_gc_allocated_bytes_total</c>. Each is null when absent.
/// </summary>
public sealed record GcSnapshot(double? Gen0, double? Gen1, double? Gen2, double? PauseSeconds, double? AllocatedBytes)
{
    public const string CollectionsName = "lkm_gc_collections_total";
    public const string PauseName = "lkm_gc_pause_seconds_total";
    public const string AllocatedName = "lkm_gc_allocated_bytes_total";

    public bool IsEmpty => Gen0 is null && Gen1 is null && Gen2 is null && PauseSeconds is null && AllocatedBytes is null;

    /// <summary>
    /// Picks those lines out of Prometheus text (format 0.0.4): <c>name{labels} value [timestamp]</c>;
    /// comments, other metrics and lines it cannot read are skipped. No Prometheus library: three names.
    /// </summary>
    public static GcSnapshot Parse(string text)
    {
        double? gen0 = null, gen1 = null, gen2 = null, pause = null, allocated = null;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range).Trim();
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith("lkm_gc_", StringComparison.Ordinal))
            {
                continue;
            }

            int nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd < 0)
            {
                continue;
            }

            var name = line[..nameEnd];
            var labels = ReadOnlySpan<char>.Empty;
            var rest = line[nameEnd..];
            if (rest[0] == '{')
            {
                int close = rest.IndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                labels = rest[1..close];
                rest = rest[(close + 1)..];
            }

            if (!TryValue(rest, out double value))
            {
                continue;
            }

            if (name.SequenceEqual(CollectionsName))
            {
                switch (Label(labels, "generation"))
                {
                    case "0": gen0 = value; break;
                    case "1": gen1 = value; break;
                    case "2": gen2 = value; break;
                }
            }
            else if (name.SequenceEqual(PauseName))
            {
                pause = value;
            }
            else if (name.SequenceEqual(AllocatedName))
            {
                allocated = value;
            }
        }

        return new GcSnapshot(gen0, gen1, gen2, pause, allocated);
    }

    // The value is the first field after the name and labels; an optional timestamp may follow.
    private static bool TryValue(ReadOnlySpan<char> rest, out double value)
    {
        rest = rest.TrimStart();
        int end = rest.IndexOfAny(' ', '\t');
        var field = end < 0 ? rest : rest[..end];
        return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    // label="value" pairs separated by commas; values here are plain (no escapes needed for generation numbers).
    private static string? Label(ReadOnlySpan<char> labels, string key)
    {
        foreach (var range in labels.Split(','))
        {
            var pair = labels[range].Trim();
            int eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq].Trim().SequenceEqual(key))
            {
                var quoted = pair[(eq + 1)..].Trim();
                if (quoted.Length >= 2 && quoted[0] == '"' && quoted[^1] == '"')
                {
                    return quoted[1..^1].ToString();
                }
            }
        }

        return null;
    }
}
