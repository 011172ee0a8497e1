using System.Text.Json;
using Lkm.Bench.Net;
using Lkm.Bench.Play;
using Lkm.Bench.Publish;
using Lkm.Bench.Reporting;

namespace Lkm.Bench.Cli;

/// <summary>The two subcommands: parse options, run, print the table, write the JSON.</summary>
public static class Commands
{
    public const int ExitHealthy = 0;
    public const int ExitError = 1;
    public const int ExitUsage = 2;
    public const int ExitUnhealthy = 3;

    private const int MaxClients = 100_000;
    private const double MaxSeconds = 24 * 3600;

    public static PlayOptions ParsePlay(IEnumerable<string> args)
    {
        var reader = new ArgReader(args, new HashSet<string> { "--url", "-n", "--ramp", "--duration", "--expect-kbps", "--json", "--server-pid", "--read-interval",
            "--server-metrics", "--server-metrics-token" });
        var urls = reader.All("--url").Select(ParseUrl).ToArray();
        if (urls.Length == 0)
        {
            throw new UsageException("play needs at least one --url");
        }

        return new PlayOptions
        {
            Urls = urls,
            Players = reader.Int(1, 1, MaxClients, "-n"),
            RampPerSecond = reader.Double(0.01, 100_000, "--ramp") ?? 100,
            Duration = TimeSpan.FromSeconds(reader.Double(0.5, MaxSeconds, "--duration") ?? 30),
            ExpectKbps = reader.Double(1, 10_000_000, "--expect-kbps"),
            ServerPid = reader.Single("--server-pid") is null ? null : reader.Int(0, 1, int.MaxValue, "--server-pid"),
            ServerMetricsUrl = reader.Single("--server-metrics") is string metrics ? ParseMetricsUrl(metrics) : null,
            ServerMetricsToken = reader.Single("--server-metrics-token"),
            JsonPath = reader.Single("--json"),
            ReadInterval = TimeSpan.FromMilliseconds(reader.Double(0, 1000, "--read-interval") ?? 0),
        };
    }

    public static PublishOptions ParsePublish(IEnumerable<string> args)
    {
        var reader = new ArgReader(args, new HashSet<string> { "--file", "--url", "-n", "--ramp", "--duration", "--json" });
        var url = ParseUrl(reader.Required("--url"));
        if (url.Protocol != StreamProtocol.Rtmp)
        {
            throw new UsageException("publish needs an rtmp:// URL");
        }

        string file = reader.Required("--file");
        if (!File.Exists(file))
        {
            throw new UsageException($"file '{file}' not found");
        }

        double? duration = reader.Double(0.5, MaxSeconds, "--duration");
        return new PublishOptions
        {
            File = file,
            Url = url,
            Publishers = reader.Int(1, 1, MaxClients, "-n"),
            RampPerSecond = reader.Double(0.01, 100_000, "--ramp") ?? 50,
            Duration = duration is double d ? TimeSpan.FromSeconds(d) : null,
            JsonPath = reader.Single("--json"),
        };
    }

    public static async Task<int> PlayAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var options = ParsePlay(args);
        Console.Error.WriteLine($"play: {options.Players} player(s) of {string.Join(", ", options.Urls)}; ramp {options.RampTime.TotalSeconds:0.#} s, steady {options.Duration.TotalSeconds:0.#} s");
        var report = await PlayRunner.RunAsync(options, Console.Error, cancellationToken).ConfigureAwait(false);
        ReportPrinter.Print(report, Console.Out);
        if (options.JsonPath is not null)
        {
            await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(report, BenchJsonContext.Default.PlayReport), CancellationToken.None).ConfigureAwait(false);
        }

        return report.AllHealthy ? ExitHealthy : ExitUnhealthy;
    }

    public static async Task<int> PublishAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var options = ParsePublish(args);
        var source = FlvFileSource.Load(options.File);
        Console.Error.WriteLine($"publish: {options.Publishers} publisher(s) of {options.File} ({source.MediaKbps:0} kbps, loop {source.LoopDurationMs / 1000.0:0.##} s) to {options.Url}"
            + (options.Duration is TimeSpan d ? $" for {d.TotalSeconds:0.#} s" : " until stopped"));
        var report = await PublishRunner.RunAsync(options, source, Console.Error, cancellationToken).ConfigureAwait(false);
        ReportPrinter.Print(report, Console.Out);
        if (options.JsonPath is not null)
        {
            await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(report, BenchJsonContext.Default.PublishReport), CancellationToken.None).ConfigureAwait(false);
        }

        return report.Failed == 0 ? ExitHealthy : ExitUnhealthy;
    }

    private static Uri ParseMetricsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"--server-metrics needs an http:// or https:// URL, not '{text}'");

    private static StreamUrl ParseUrl(string text)
    {
        try
        {
            return StreamUrl.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
