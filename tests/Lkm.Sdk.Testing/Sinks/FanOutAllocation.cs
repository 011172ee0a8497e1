using System.Net.Sockets;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Testing.Sinks;

/// <summary>
/// Measures what a fan-out costs in allocations per player: one segment handed to every sink (as the host's
/// source loop does), then written by each sink's writer loop to its socket and read by the player's end.
/// Counts every thread's allocations (<see cref="GC.GetTotalAllocatedBytes"/>), because the writes run on
/// thread-pool threads, so the caller must keep other tests from running meanwhile.
/// </summary>
public static class FanOutAllocation
{
    private const int Batches = 4;

    /// <summary>
    /// Allocated bytes per player per segment over <paramref name="rounds"/> fan-outs of a
    /// <paramref name="segmentLength"/>-byte segment, after one warm-up round (first writes set up pooled state),
    /// in the quietest of a few batches of those rounds.
    /// </summary>
    /// <param name="sinks">The players' sinks, started (their stream headers sent).</param>
    /// <param name="players">The far end of each sink's connection, in the same order.</param>
    /// <param name="segmentLength">Bytes of the segment each round hands out.</param>
    /// <param name="framingBytes">What the protocol adds to each write of one segment (a chunk or frame header): a player has the segment once it received this much more.</param>
    /// <param name="rounds">Fan-outs counted.</param>
    /// <param name="timeout">How long a round may take before the measurement fails.</param>
    /// <returns>Bytes allocated (by every thread) per player per segment.</returns>
    public static double BytesPerPlayerPerSegment(IReadOnlyList<ISink> sinks, IReadOnlyList<SocketByteCounter> players, int segmentLength, int framingBytes, int rounds, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(players.Count, sinks.Count);
        var payload = new byte[segmentLength];
        var expected = new long[players.Count];
        WaitForQuiet(players);
        for (int i = 0; i < players.Count; i++)
        {
            expected[i] = players[i].Received;
        }

        FanOut(sinks, players, payload, expected, framingBytes, timeout);

        // Settle: the warm-up's last continuations finish before counting starts.
        Thread.Sleep(100);

        // The rounds are counted in batches and the quietest batch is the answer: what else the process does
        // meanwhile (a thread-pool thread starting, the test runner reporting) only ever adds bytes, to one batch
        // or two, while a cost per player or per segment shows in every batch alike.
        int batchRounds = Math.Max(1, rounds / Batches);
        double quietest = double.MaxValue;
        for (int done = 0; done < rounds; done += batchRounds)
        {
            int count = Math.Min(batchRounds, rounds - done);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int round = 0; round < count; round++)
            {
                FanOut(sinks, players, payload, expected, framingBytes, timeout);
            }

            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            quietest = Math.Min(quietest, allocated / (double)(count * sinks.Count));
        }

        return quietest;
    }

    /// <summary>
    /// <see cref="BytesPerPlayerPerSegment"/> for <paramref name="players"/> sinks made by <paramref name="createSink"/>
    /// on loopback connections of their own (their writer loops running), closed and drained afterwards.
    /// </summary>
    /// <param name="createSink">Makes a player's sink on the server end of its connection.</param>
    /// <param name="players">How many players.</param>
    /// <param name="segmentLength">Bytes of the segment each round hands out.</param>
    /// <param name="rounds">Fan-outs counted.</param>
    /// <param name="cancellationToken">Ends the setup early.</param>
    /// <returns>Bytes allocated (by every thread) per player per segment.</returns>
    public static async Task<double> OnLoopbackAsync(Func<Socket, SinkBase> createSink, int players, int segmentLength, int rounds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createSink);
        var sinks = new List<SinkBase>();
        var loops = new List<Task>();
        var counters = new List<SocketByteCounter>();
        try
        {
            for (int i = 0; i < players; i++)
            {
                var (server, client) = await LoopbackSocketPair.CreateAsync(cancellationToken).ConfigureAwait(false);
                var sink = createSink(server);
                sinks.Add(sink);
                loops.Add(sink.RunAsync());
                counters.Add(new SocketByteCounter(client));
            }

            return BytesPerPlayerPerSegment(sinks, counters, segmentLength, framingBytes: 0, rounds, TimeSpan.FromSeconds(20));
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Close("test over");
            }

            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            foreach (var counter in counters)
            {
                counter.Dispose();
            }
        }
    }

    /// <summary>Waits until what was sent before (response heads, stream headers) has arrived: no count changes for 200 ms.</summary>
    private static void WaitForQuiet(IReadOnlyList<SocketByteCounter> players)
    {
        long last = -1;
        while (true)
        {
            long total = players.Sum(p => p.Received);
            if (total == last)
            {
                return;
            }

            last = total;
            Thread.Sleep(200);
        }
    }

    private static void FanOut(IReadOnlyList<ISink> sinks, IReadOnlyList<SocketByteCounter> players, byte[] payload, long[] expected, int framingBytes, TimeSpan timeout)
    {
        // The one segment of this round, shared by every player (as a trans stream's merge-write segment is).
        var segment = Segment.CopyOf(payload);
        for (int i = 0; i < sinks.Count; i++)
        {
            expected[i] += payload.Length + framingBytes;
            if (!sinks[i].TrySend(segment, SinkQueueLimits.Default))
            {
                throw new InvalidOperationException($"sink {sinks[i].Id} refused the segment");
            }
        }

        segment.Release();

        // Waits without allocating (no Task.Delay): a polling sleep.
        var deadline = DateTime.UtcNow + timeout;
        for (int i = 0; i < players.Count; i++)
        {
            while (players[i].Received < expected[i])
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"player {i} received {players[i].Received} of {expected[i]} bytes");
                }

                Thread.Sleep(1);
            }
        }
    }
}
