using System.Globalization;

namespace Lkm.Testing;

/// <summary>
/// A strict little parser of the Prometheus text format (0.0.4): <c># HELP</c>/<c># TYPE</c> lines and
/// <c>name{label="value",...} number</c> samples. Anything else fails the test.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(List<Sample> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<Sample> Samples { get; }

    public IReadOnlyDictionary<string, string> Types { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>The value of the sample with this name and these labels (exactly); null when absent.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels) =>
        Samples.FirstOrDefault(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))?.Value;

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                string[] parts = line.Split(' ', 4);
                Assert.True(parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE", $"line {lineNo}: bad comment '{line}'");
                if (parts[1] == "TYPE")
                {
                    Assert.True(parts.Length == 4 && parts[3] is "counter" or "gauge" or "histogram" or "summary" or "untyped", $"line {lineNo}: bad TYPE '{line}'");
                    types[parts[2]] = parts[3];
                }

                continue;
            }

            samples.Add(ParseSample(line, lineNo));
        }

        return new PrometheusText(samples, types);
    }

    private static Sample ParseSample(string line, int lineNo)
    {
        int i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        Assert.True(i > 0 && !char.IsAsciiDigit(line[0]), $"line {lineNo}: bad metric name in '{line}'");
        string name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                Assert.True(eq > i && line[eq + 1] == '"', $"line {lineNo}: bad label in '{line}'");
                string key = line[i..eq];
                var value = new System.Text.StringBuilder();
                int j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                labels[key] = value.ToString();
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        Assert.True(i < line.Length && line[i] == ' ', $"line {lineNo}: no value in '{line}'");
        string[] rest = line[(i + 1)..].Split(' ');
        Assert.True(rest.Length is 1 or 2, $"line {lineNo}: bad value in '{line}'");
        double value2 = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, value2);
    }
}
