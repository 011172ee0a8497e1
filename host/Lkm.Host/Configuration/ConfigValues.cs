using System.Globalization;

namespace Lkm.Host.Configuration;

/// <summary>Parses and writes the scalar forms lkm.yaml uses for durations (<c>350ms</c>, <c>10s</c>) and sizes (<c>16MB</c>).</summary>
public static class ConfigValues
{
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text == "0")
        {
            value = TimeSpan.Zero;
            return true;
        }

        (string unit, double scaleMs) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => ("ms", 1d),
            _ when text.EndsWith('s') || text.EndsWith('S') => ("s", 1000d),
            _ when text.EndsWith('m') || text.EndsWith('M') => ("m", 60_000d),
            _ when text.EndsWith('h') || text.EndsWith('H') => ("h", 3_600_000d),
            _ => ("", 0d),
        };
        if (unit.Length == 0)
        {
            return false;
        }

        if (!double.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            || number < 0 || double.IsNaN(number) || number * scaleMs > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(number * scaleMs);
        return true;
    }

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        long scale = 1;
        string number = text;
        foreach (var (suffix, factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                scale = factor;
                number = text[..^suffix.Length];
                break;
            }
        }

        if (!long.TryParse(number.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / scale)
        {
            return false;
        }

        bytes = n * scale;
        return true;
    }

    /// <summary>A duration as lkm.yaml writes it: <c>0</c>, <c>350ms</c>, <c>60s</c>, <c>5m</c>.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        long ms = (long)value.TotalMilliseconds;
        return ms switch
        {
            0 => "0",
            _ when ms % 1000 != 0 => Invariant($"{ms}ms"),

            // Seconds up to a few minutes read better (60s, 90s) than mixed units; longer spans in minutes.
            _ when ms % 60_000 == 0 && ms >= 300_000 => Invariant($"{ms / 60_000}m"),
            _ => Invariant($"{ms / 1000}s"),
        };
    }

    /// <summary>A size as lkm.yaml writes it: <c>0</c>, <c>16MB</c>, <c>512KB</c>, or bytes.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        0 => "0",
        _ when bytes % (1024 * 1024) == 0 => Invariant($"{bytes / (1024 * 1024)}MB"),
        _ when bytes % 1024 == 0 => Invariant($"{bytes / 1024}KB"),
        _ => Invariant($"{bytes}"),
    };

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024L * 1024 * 1024),
        ("KB", 1024), ("MB", 1024 * 1024), ("GB", 1024L * 1024 * 1024),
        ("K", 1024), ("M", 1024 * 1024), ("G", 1024L * 1024 * 1024), ("B", 1),
    ];
}
