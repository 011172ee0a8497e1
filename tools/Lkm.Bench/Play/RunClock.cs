using System.Diagnostics;

namespace Lkm.Bench.Play;

/// <summary>The phases of a run in <see cref="Stopwatch"/> ticks: ramp from Start, steady from SteadyStart to End.</summary>
public sealed class RunClock
{
    public RunClock(long startTicks, TimeSpan ramp, TimeSpan steady)
    {
        StartTicks = startTicks;
        SteadyStartTicks = startTicks + ToTicks(ramp);
        EndTicks = SteadyStartTicks + ToTicks(steady);

        // Players that joined during the ramp get their start-up burst (GOP cache) well before this.
        WindowStartTicks = SteadyStartTicks + ToTicks(TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, steady.Ticks / 4)));
    }

    public static long OneSecond => Stopwatch.Frequency;

    public long StartTicks { get; }

    public long SteadyStartTicks { get; }

    public long EndTicks { get; }

    /// <summary>Where bitrate measurement starts: a moment into the steady phase.</summary>
    public long WindowStartTicks { get; }

    public static long Now => Stopwatch.GetTimestamp();

    public static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double ToSeconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    public static TimeSpan ToTimeSpan(long ticks) => TimeSpan.FromSeconds(Math.Max(0, ToSeconds(ticks)));
}
