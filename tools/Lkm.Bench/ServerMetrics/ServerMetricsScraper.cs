using System.Net.Http.Headers;
using Lkm.Bench.Play;

namespace Lkm.Bench.ServerMetrics;

/// <summary>
/// Scrapes the server's Prometheus <c>/metrics</c> for its GC figures: once when the run starts (checks
/// the URL and token early and lets the server build its metrics before anything is counted), at the start
/// of the steady phase and just before its end; reports the differences of the last two. Three requests a
/// run: the players are not disturbed. Failures become a warning in the report.
/// </summary>
public static class ServerMetricsScraper
{
    /// <summary>The end scrape comes this long before the run ends, so that the players' teardown is not counted.</summary>
    public static readonly TimeSpan EndLead = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<ServerGcStats> RunAsync(Uri url, string? token, RunClock clock, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        string display = url.ToString();
        long endAt = clock.EndTicks - Math.Min(RunClock.ToTicks(EndLead), (clock.EndTicks - clock.SteadyStartTicks) / 10);
        try
        {
            var probe = await ScrapeAsync(http, url, cancellationToken).ConfigureAwait(false);
            if (probe.Error is not null)
            {
                return ServerGcStats.Failed(display, probe.Error);
            }

            if (probe.Snapshot!.IsEmpty)
            {
                return ServerGcStats.Failed(display, "no lkm_gc_* metrics there (not an LKM.NET server, or an older one)");
            }

            await DelayUntilAsync(clock.SteadyStartTicks, cancellationToken).ConfigureAwait(false);
            var start = await ScrapeAsync(http, url, cancellationToken).ConfigureAwait(false);
            if (start.Error is not null)
            {
                return ServerGcStats.Failed(display, "at the start of the steady phase: " + start.Error);
            }

            await DelayUntilAsync(endAt, cancellationToken).ConfigureAwait(false);
            var end = await ScrapeAsync(http, url, cancellationToken).ConfigureAwait(false);
            if (end.Error is not null)
            {
                return ServerGcStats.Failed(display, "at the end of the steady phase: " + end.Error);
            }

            return ServerGcStats.Between(display, start.Snapshot!, end.Snapshot!, RunClock.ToSeconds(end.Ticks - start.Ticks));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ServerGcStats.Failed(display, "the run was stopped before the end of the steady phase");
        }
    }

    private static async Task<(GcSnapshot? Snapshot, long Ticks, string? Error)> ScrapeAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            long ticks = RunClock.Now; // the server read its counters before it answered
            if (!response.IsSuccessStatusCode)
            {
                return (null, ticks, $"scrape of {url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}"
                    + (response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? " (give --server-metrics-token)" : ""));
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return (GcSnapshot.Parse(text), ticks, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, timed out, a body it cannot decode: the run goes on without the figures.
            string reason = ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message;
            return (null, RunClock.Now, $"scrape of {url} failed: {reason}");
        }
    }

    private static async Task DelayUntilAsync(long ticks, CancellationToken cancellationToken)
    {
        long wait = ticks - RunClock.Now;
        if (wait > 0)
        {
            await Task.Delay(RunClock.ToTimeSpan(wait), cancellationToken).ConfigureAwait(false);
        }
    }
}
