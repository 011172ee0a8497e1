namespace Lkm.Bench.ServerMetrics;

/// <summary>
/// What the server's garbage collector did between two scrapes of its <c>/metrics</c> (the start and the
/// end of the steady phase). Figures the server does not export stay null; <see cref="Warning"/> says why
/// some or all are missing (a failed scrape is not a failed run).
/// </summary>
public sealed record ServerGcStats(
    string Url,
    double? Seconds,
    long? Gen0Collections,
    long? Gen1Collections,
    long? Gen2Collections,
    double? PauseMs,
    double? AllocatedMiB,
    double? AllocatedMiBPerSecond,
    string? Warning)
{
    /// <summary>The differences of two snapshots taken <paramref name="seconds"/> apart.</summary>
    public static ServerGcStats Between(string url, GcSnapshot start, GcSnapshot end, double seconds)
    {
        long? Count(double? a, double? b) => a is double x && b is double y ? (long)Math.Round(y - x) : null;
        double? allocated = Delta(start.AllocatedBytes, end.AllocatedBytes) is double bytes ? bytes / (1024 * 1024) : null;
        var result = new ServerGcStats(
            url,
            Math.Round(seconds, 2),
            Count(start.Gen0, end.Gen0),
            Count(start.Gen1, end.Gen1),
            Count(start.Gen2, end.Gen2),
            Delta(start.PauseSeconds, end.PauseSeconds) is double pause ? Math.Round(pause * 1000, 1) : null,
            allocated is double mib ? Math.Round(mib, 1) : null,
            allocated is double m && seconds > 0 ? Math.Round(m / seconds, 2) : null,
            null);

        var missing = new List<string>();
        if (result.Gen0Collections is null || result.Gen1Collections is null || result.Gen2Collections is null)
        {
            missing.Add(GcSnapshot.CollectionsName);
        }

        if (result.PauseMs is null)
        {
            missing.Add(GcSnapshot.PauseName);
        }

        if (result.AllocatedMiB is null)
        {
            missing.Add(GcSnapshot.AllocatedName);
        }

        string? warning = missing.Count == 0 ? null : "not in both scrapes: " + string.Join(", ", missing);
        bool wentBack = result.Gen0Collections < 0 || result.Gen1Collections < 0 || result.Gen2Collections < 0 || result.PauseMs < 0 || result.AllocatedMiB < 0;
        if (wentBack)
        {
            warning = "a counter went back (server restarted between the scrapes?)" + (warning is null ? "" : "; " + warning);
        }

        return result with { Warning = warning };
    }

    public static ServerGcStats Failed(string url, string warning) => new(url, null, null, null, null, null, null, null, warning);

    private static double? Delta(double? a, double? b) => a is double x && b is double y ? y - x : null;
}
