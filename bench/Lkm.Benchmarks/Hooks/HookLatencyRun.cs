using System.Diagnostics;
using System.Globalization;

namespace Lkm.Benchmarks.Hooks;

/// <summary>
/// <c>hook-latency [--seconds N] [--warmup N] [--deny]</c>: runs the publish decision of the token script in a
/// loop on one thread for N seconds and prints decisions/s and latency percentiles from per-call Stopwatch
/// ticks (BenchmarkDotNet has no p99 column). The latency is what a publish waits for its hook.
/// </summary>
public static class HookLatencyRun
{
    public static int Run(string[] args)
    {
        double seconds = 10;
        double warmup = 2;
        bool deny = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup" when i + 1 < args.Length:
                    warmup = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--deny":
                    deny = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: hook-latency [--seconds N] [--warmup N] [--deny]");
                    return 2;
            }
        }

        var fixture = new TokenHookFixture();
        try
        {
            fixture.Verify();
            var context = deny ? fixture.Denied : fixture.Allowed;
            var (_, warmed) = Loop(fixture, context, warmup, record: null);

            // Sized from the warm-up rate so the list never grows (and allocates) while measuring.
            double rate = warmed / Math.Max(warmup, 0.001);
            var samples = new List<long>(capacity: (int)Math.Clamp(rate * seconds * 2, 1 << 16, int.MaxValue / 16));
            int gen0 = GC.CollectionCount(0);
            int gen1 = GC.CollectionCount(1);
            int gen2 = GC.CollectionCount(2);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long started = Stopwatch.GetTimestamp();
            var (wrong, _) = Loop(fixture, context, seconds, samples);
            double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

            samples.Sort();
            Console.WriteLine($"hook-latency: on_publish of the token script ({(deny ? "denied" : "allowed")}), ScriptStreamHooks.DecideAsync, one thread");
            Console.WriteLine($"  machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, Stopwatch {Stopwatch.Frequency} ticks/s");
            Console.WriteLine($"  decisions: {samples.Count} in {elapsed:0.00} s = {samples.Count / elapsed:N0} decisions/s ({wrong} with an unexpected answer)");
            Console.WriteLine($"  process CPU: {cpuSeconds:0.00} s = {cpuSeconds / elapsed:0.00} cores (GC and timers included)");
            Console.WriteLine($"  allocated on the loop thread: {(double)allocated / samples.Count:N0} B per decision");
            Console.WriteLine($"  GCs: gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}");
            Console.WriteLine("  latency        ticks          µs");
            foreach (var (name, quantile) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("p99.9", 0.999), ("p99.99", 0.9999) })
            {
                Print(name, Percentile(samples, quantile));
            }

            Print("max", samples[^1]);
            Console.WriteLine($"  engine histogram p99 (power-of-two bucket bound): {fixture.Engine.Latency.Percentile(0.99).TotalMicroseconds:0} µs");
            return wrong == 0 ? 0 : 1;
        }
        finally
        {
            fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Decides in a loop for <paramref name="seconds"/>; returns how many answers differed from the expected one, and the count.</summary>
    private static (int Wrong, long Count) Loop(TokenHookFixture fixture, Lkm.Host.Hooks.HookContext context, double seconds, List<long>? record)
    {
        bool expected = ReferenceEquals(context, fixture.Allowed);
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        int wrong = 0;
        long count = 0;
        long now = Stopwatch.GetTimestamp();
        while (now < end)
        {
            var decision = fixture.DecidePublish(context).GetAwaiter().GetResult();
            long after = Stopwatch.GetTimestamp();
            record?.Add(after - now);
            if (decision.Allow != expected)
            {
                wrong++;
            }

            count++;
            now = after;
        }

        return (wrong, count);
    }

    private static long Percentile(List<long> sorted, double quantile)
    {
        int rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static void Print(string name, long ticks) =>
        Console.WriteLine($"  {name,-8} {ticks,10} {ticks * 1_000_000.0 / Stopwatch.Frequency,12:0.0}");
}
