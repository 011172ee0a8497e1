using System.Numerics;

namespace Lkm.Host.Hooks;

/// <summary>
/// Lock-free latency histogram of hook calls: bucket i counts calls that took [2^i, 2^(i+1)) microseconds
/// (bucket 0 also holds everything under 1 µs). Recording is one Interlocked increment.
/// </summary>
public sealed class HookLatencyHistogram
{
    public const int BucketCount = 36;
    private readonly long[] _buckets = new long[BucketCount];

    /// <summary>Calls recorded.</summary>
    public long Count
    {
        get
        {
            long total = 0;
            for (int i = 0; i < BucketCount; i++)
            {
                total += Volatile.Read(ref _buckets[i]);
            }

            return total;
        }
    }

    internal void Record(long stopwatchTicks)
    {
        long micros = stopwatchTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency;
        int bucket = micros <= 1 ? 0 : Math.Min(BucketCount - 1, BitOperations.Log2((ulong)micros));
        Interlocked.Increment(ref _buckets[bucket]);
    }

    /// <summary>Copy of the bucket counts (index i = calls of [2^i, 2^(i+1)) µs).</summary>
    public long[] Snapshot()
    {
        var copy = new long[BucketCount];
        for (int i = 0; i < BucketCount; i++)
        {
            copy[i] = Volatile.Read(ref _buckets[i]);
        }

        return copy;
    }

    /// <summary>Upper bound of the bucket holding the given quantile (0..1), e.g. 0.99 → p99; zero when empty.</summary>
    public TimeSpan Percentile(double quantile)
    {
        long[] counts = Snapshot();
        long total = counts.Sum();
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        long rank = (long)Math.Ceiling(Math.Clamp(quantile, 0, 1) * total);
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += counts[i];
            if (seen >= Math.Max(1, rank))
            {
                return TimeSpan.FromMicroseconds(Math.Pow(2, i + 1));
            }
        }

        return TimeSpan.FromMicroseconds(Math.Pow(2, BucketCount));
    }
}
