using System.Net;
using Lkm.Bench.Net;
using Lkm.Bench.Reporting;
using Lkm.Bench.Sampling;
using Lkm.Bench.ServerMetrics;

namespace Lkm.Bench.Play;

/// <summary>Runs the <c>play</c> scenario: ramps players up, holds the steady phase, samples CPU/RSS, builds the report.</summary>
public static class PlayRunner
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    public static async Task<PlayReport> RunAsync(PlayOptions options, TextWriter? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Players, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RampPerSecond);
        if (options.Urls.Count == 0)
        {
            throw new ArgumentException("at least one URL is needed", nameof(options));
        }

        var endPoints = new IPEndPoint[options.Urls.Count];
        for (int i = 0; i < endPoints.Length; i++)
        {
            endPoints[i] = await TcpConnector.ResolveAsync(options.Urls[i].Host, options.Urls[i].Port, cancellationToken).ConfigureAwait(false);
        }

        var clock = new RunClock(RunClock.Now, options.RampTime, options.Duration);
        using var runEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        runEnd.CancelAfter(TimeSpan.FromSeconds(RunClock.ToSeconds(clock.EndTicks - RunClock.Now)));

        var server = options.ServerPid is int pid ? ProcSampler.RunAsync("server", pid, clock, cancellationToken) : null;
        var self = ProcSampler.RunAsync("bench", Environment.ProcessId, clock, cancellationToken);
        var serverGc = options.ServerMetricsUrl is { } metricsUrl ? ServerMetricsScraper.RunAsync(metricsUrl, options.ServerMetricsToken, clock, cancellationToken) : null;

        using var pacer = options.ReadInterval > TimeSpan.Zero ? new ReadPacer(options.ReadInterval) : null;
        var stats = new PlayerStats[options.Players];
        var players = new Task[options.Players];
        var reporter = progress is null ? Task.CompletedTask : ReportProgressAsync(progress, stats, clock, runEnd.Token);
        long interval = (long)(RunClock.OneSecond / options.RampPerSecond);
        int launched = 0;
        while (launched < options.Players && !runEnd.IsCancellationRequested)
        {
            long now = RunClock.Now;
            for (; launched < options.Players && clock.StartTicks + (launched * interval) <= now; launched++)
            {
                int group = launched % options.Urls.Count;
                var url = options.Urls[group];
                stats[launched] = new PlayerStats(launched, group, url.Protocol, url.Display(launched), clock);
                players[launched] = PlayerRunner.RunAsync(url, endPoints[group], stats[launched], pacer, runEnd.Token);
            }

            if (launched < options.Players)
            {
                long wait = clock.StartTicks + (launched * interval) - RunClock.Now;
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(RunClock.ToSeconds(wait)), runEnd.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break; // stopped early (Ctrl+C): report the players opened so far
                    }
                }
            }
        }

        int started = launched;
        bool stoppedInTime = true;
        try
        {
            await Task.WhenAll(players.AsSpan(0, started).ToArray()).WaitAsync(RunClock.ToTimeSpan(clock.EndTicks - RunClock.Now) + StopGrace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            stoppedInTime = false;
        }

        await reporter.ConfigureAwait(false);
        var serverStats = server is null ? null : await server.ConfigureAwait(false);
        var selfStats = await self.ConfigureAwait(false);
        var gcStats = serverGc is null ? null : await serverGc.ConfigureAwait(false);
        return PlayReportBuilder.Build(options, stats.AsSpan(0, started).ToArray(), serverStats, selfStats, gcStats, stoppedInTime);
    }

    private static async Task ReportProgressAsync(TextWriter progress, PlayerStats[] stats, RunClock clock, CancellationToken runEnd)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), runEnd).ConfigureAwait(false);
                int opened = 0, playing = 0, failed = 0, dropped = 0, stalls = 0;
                foreach (var s in stats)
                {
                    if (s is null)
                    {
                        break;
                    }

                    opened++;
                    playing += s.HasKeyframe ? 1 : 0;
                    failed += s.Failed ? 1 : 0;
                    dropped += s.Dropped ? 1 : 0;
                    stalls += s.Stalls;
                }

                double t = RunClock.ToSeconds(RunClock.Now - clock.StartTicks);
                await progress.WriteLineAsync($"  t={t,5:0}s  opened {opened}  playing {playing}  failed {failed}  dropped {dropped}  stalls {stalls}").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
