using Lkm.Bench.Play;

namespace Lkm.Bench.Sampling;

/// <summary>Samples a process once per second over a run's steady phase.</summary>
public static class ProcSampler
{
    public static async Task<ResourceStats> RunAsync(string role, int pid, RunClock clock, CancellationToken cancellationToken)
    {
        try
        {
            await DelayUntilAsync(clock.SteadyStartTicks, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new ResourceStats(role, pid, 0, 0, 0, 0, 0, "cancelled before the steady phase");
        }

        var first = ProcStat.TryRead(pid);
        if (first is null)
        {
            return new ResourceStats(role, pid, 0, 0, 0, 0, 0, $"process {pid} not found");
        }

        long firstTicks = RunClock.Now;
        var previous = first.Value;
        long previousTicks = firstTicks;
        var last = previous;
        long lastTicks = firstTicks;
        double maxCpu = 0;
        double rssSum = previous.RssKiB;
        long rssMax = previous.RssKiB;
        int samples = 0;
        for (long next = firstTicks + RunClock.OneSecond; next <= clock.EndTicks && !cancellationToken.IsCancellationRequested; next += RunClock.OneSecond)
        {
            try
            {
                await DelayUntilAsync(next, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var sample = ProcStat.TryRead(pid);
            long now = RunClock.Now;
            if (sample is null)
            {
                break;
            }

            maxCpu = Math.Max(maxCpu, CpuPercent(previous, sample.Value, now - previousTicks));
            rssSum += sample.Value.RssKiB;
            rssMax = Math.Max(rssMax, sample.Value.RssKiB);
            samples++;
            previous = sample.Value;
            previousTicks = now;
            last = sample.Value;
            lastTicks = now;
        }

        if (samples == 0)
        {
            double rss = Math.Round(first.Value.RssKiB / 1024.0, 1);
            return new ResourceStats(role, pid, 0, 0, 0, rss, rss,
                ProcStat.TryRead(pid) is null ? $"process {pid} exited" : "steady phase shorter than one second");
        }

        return new ResourceStats(role, pid, samples, Math.Round(CpuPercent(first.Value, last, lastTicks - firstTicks), 1), Math.Round(maxCpu, 1),
            Math.Round(rssSum / (samples + 1) / 1024.0, 1), Math.Round(rssMax / 1024.0, 1), null);
    }

    private static double CpuPercent(ProcStat from, ProcStat to, long elapsedTicks)
    {
        double seconds = RunClock.ToSeconds(elapsedTicks);
        return seconds <= 0 ? 0 : (to.CpuTicks - from.CpuTicks) / (double)ProcStat.ClockTicksPerSecond / seconds * 100;
    }

    private static async Task DelayUntilAsync(long ticks, CancellationToken cancellationToken)
    {
        long wait = ticks - RunClock.Now;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(RunClock.ToSeconds(wait)), cancellationToken).ConfigureAwait(false);
        }
    }
}
