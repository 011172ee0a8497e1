using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;

namespace Lkm.DeviceSim.Cli;

/// <summary>Runs <c>lkm-devicesim gb28181</c>.</summary>
internal static class GbCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter log, CancellationToken cancellationToken)
    {
        var plan = GbCommandLine.Parse(args);
        string ffmpeg = ResolveFfmpeg(plan.Feed.FfmpegPath);
        var feedOptions = new FfmpegFeedOptions
        {
            Input = plan.Feed.Input,
            InputAudio = plan.Feed.InputAudio,
            Video = plan.Feed.Video,
            Audio = plan.Feed.Audio,
            FfmpegPath = ffmpeg,
        };
        await using var feed = new FfmpegMediaFeed(feedOptions, log);
        foreach (var line in feed.CommandLines)
        {
            log.WriteLine("ffmpeg " + string.Join(' ', line.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)));
        }

        var first = plan.Devices[0];
        log.WriteLine($"gb28181: {plan.Devices.Count} device(s), {Name(first.Transport)} "
            + (first.Transport == GbTransport.TcpListen ? $"listening on {first.Listen}" : $"to {first.Target}")
            + $", ssrc {first.Ssrc}{(plan.Devices.Count > 1 ? "+i" : "")}, PT {first.PayloadType}"
            + (plan.Playback.Duration is TimeSpan d ? $", {d.TotalSeconds:0.###} s" : plan.Playback.Loop ? ", looping until stopped" : ""));

        var group = new GbDeviceGroup(feed, plan.Devices, plan.Playback, log);
        var run = group.RunAsync(cancellationToken);
        if (first.Transport == GbTransport.TcpListen)
        {
            foreach (var device in group.Devices)
            {
                var bound = await Task.WhenAny(device.Listening, run).ConfigureAwait(false);
                if (bound != device.Listening || !device.Listening.IsCompletedSuccessfully)
                {
                    break; // the run failed (it says why below)
                }

                stdout.WriteLine($"listening {device.Listening.Result.Port}");
                stdout.Flush();
            }
        }

        try
        {
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.WriteLine("stopped");
        }

        return 0;
    }

    private static string Name(GbTransport transport) => transport switch
    {
        GbTransport.Tcp => "tcp",
        GbTransport.TcpListen => "tcp-listen",
        _ => "udp",
    };

    /// <summary>The ffmpeg executable's path: as given when it has a slash, else looked up in PATH.</summary>
    internal static string ResolveFfmpeg(string ffmpeg)
    {
        if (ffmpeg.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(ffmpeg) ? ffmpeg : throw new FfmpegNotFoundException($"ffmpeg not found at '{ffmpeg}'");
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return dirs.Select(dir => Path.Combine(dir, ffmpeg)).FirstOrDefault(File.Exists)
            ?? throw new FfmpegNotFoundException($"ffmpeg not found: '{ffmpeg}' is not in PATH; install it (apt-get install -y ffmpeg) or pass --ffmpeg PATH");
    }
}
