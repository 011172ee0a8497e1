using Lkm.Bench.Net;

namespace Lkm.Bench.Play;

/// <summary>What <c>play</c> runs: N players spread round-robin over the URLs, opened at a ramp, then a steady phase.</summary>
public sealed record PlayOptions
{
    public required IReadOnlyList<StreamUrl> Urls { get; init; }

    public int Players { get; init; } = 1;

    /// <summary>Players opened per second.</summary>
    public double RampPerSecond { get; init; } = 100;

    /// <summary>The steady phase after the ramp (measurements and sampling happen here).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The source bitrate; when null, each URL's players are compared with their median.</summary>
    public double? ExpectKbps { get; init; }

    public int? ServerPid { get; init; }

    /// <summary>The server's Prometheus <c>/metrics</c>, scraped for its GC counts at the start and end of the steady phase.</summary>
    public Uri? ServerMetricsUrl { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> with the scrapes (LKM.NET's api.token).</summary>
    public string? ServerMetricsToken { get; init; }

    /// <summary>
    /// After its first key frame a player reads at most once per interval (see <see cref="Net.ReadPacer"/>);
    /// zero (the default) = read as data arrives, like a real player. Pacing makes the bench cheaper against
    /// servers that send every frame on its own, but on loopback it also lowers the server's own CPU (fewer
    /// receiver wake-ups are charged to the sender), so compare servers only at the same interval.
    /// </summary>
    public TimeSpan ReadInterval { get; init; } = TimeSpan.Zero;

    public string? JsonPath { get; init; }

    /// <summary>Fraction of the reference bitrate a healthy player must receive.</summary>
    public double HealthyBitrateFraction { get; init; } = 0.95;

    public TimeSpan RampTime => TimeSpan.FromSeconds(Players / RampPerSecond);
}
