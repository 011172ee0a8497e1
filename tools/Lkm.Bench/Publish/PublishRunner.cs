using Lkm.Bench.Net;
using Lkm.Bench.Play;
using Lkm.Bench.Reporting;

namespace Lkm.Bench.Publish;

/// <summary>Runs N publishers of one file, opened at a ramp, until their duration ends or the run is cancelled.</summary>
public static class PublishRunner
{
    public static async Task<PublishReport> RunAsync(PublishOptions options, FlvFileSource source, TextWriter? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Publishers, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RampPerSecond);
        if (options.Url.Protocol != StreamProtocol.Rtmp)
        {
            throw new ArgumentException("publish needs an rtmp:// URL", nameof(options));
        }

        var endPoint = await TcpConnector.ResolveAsync(options.Url.Host, options.Url.Port, cancellationToken).ConfigureAwait(false);
        var stats = new PublisherStats[options.Publishers];
        var tasks = new Task[options.Publishers];
        long start = RunClock.Now;
        long interval = (long)(RunClock.OneSecond / options.RampPerSecond);
        for (int i = 0; i < options.Publishers; i++)
        {
            long wait = start + (i * interval) - RunClock.Now;
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(RunClock.ToTimeSpan(wait), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Array.Resize(ref stats, i);
                    Array.Resize(ref tasks, i);
                    break;
                }
            }

            stats[i] = new PublisherStats(i, options.Url.Display(i));
            tasks[i] = RunOneAsync(options, endPoint, source, stats[i], cancellationToken);
        }

        if (progress is not null)
        {
            await progress.WriteLineAsync($"  {stats.Length} publisher(s) started").ConfigureAwait(false);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        return Build(options, source, stats);
    }

    private static async Task RunOneAsync(PublishOptions options, System.Net.EndPoint endPoint, FlvFileSource source, PublisherStats stats, CancellationToken cancellationToken)
    {
        try
        {
            await RtmpPublisher.RunAsync(options.Url, endPoint, source, stats, options.Duration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose.
        }
        catch (Exception ex)
        {
            stats.Error = PlayerRunner.Describe(ex);
        }
    }

    private static PublishReport Build(PublishOptions options, FlvFileSource source, PublisherStats[] stats)
    {
        var starts = stats.Select(s => s.PublishStartMs).OfType<double>().Order().ToArray();
        double seconds = stats.Length == 0 ? 0 : stats.Max(s => s.PublishedSeconds);
        return new PublishReport(
            options.File,
            options.Url.ToString(),
            Math.Round(source.MediaKbps, 1),
            stats.Length,
            stats.Count(s => s.IsPublishing && s.Error is null),
            stats.Count(s => s.Error is not null),
            starts.Length == 0 ? null : Math.Round(PlayReportBuilder.Percentile(starts, 50), 1),
            starts.Length == 0 ? null : Math.Round(starts[^1], 1),
            seconds <= 0 ? 0 : Math.Round(stats.Sum(s => s.MediaBytes) * 8 / 1000.0 / seconds, 1),
            Math.Round(stats.Length == 0 ? 0 : stats.Max(s => s.MaxLateMs), 1),
            stats.Where(s => s.Error is not null).GroupBy(s => s.Error!).Select(g => new ErrorCount(g.Key, g.Count())).OrderByDescending(e => e.Count).ToArray(),
            stats.Select(s => new PublisherResult(s.Index, s.Url, s.PublishStartMs is double ms ? Math.Round(ms, 1) : null, s.Tags, s.MediaBytes, s.Loops,
                Math.Round(s.PublishedSeconds, 2), Math.Round(s.MaxLateMs, 1), s.Error)).ToArray());
    }
}
