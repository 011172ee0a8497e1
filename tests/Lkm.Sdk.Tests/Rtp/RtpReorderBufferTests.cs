using Lkm.Sdk.Rtp;

namespace Lkm.Sdk.Tests.Rtp;

public class RtpReorderBufferTests
{
    [Fact]
    public void In_order_packets_go_straight_through_without_copies()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8);
        for (int i = 0; i < 20; i++)
        {
            var packet = RtpPackets.Pooled((ushort)i);
            buffer.Push(packet);
            Assert.True(buffer.TryPop(out var popped));
            Assert.Same(packet.Buffer, popped.Buffer);
            Assert.False(buffer.TryPop(out _));
            popped.Release();
        }

        Assert.Equal((20L, 0L, 0L, 0L), (buffer.Received, buffer.Reordered, buffer.Duplicates, buffer.Lost));
    }

    [Fact]
    public void Reorders_within_the_window()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8);
        var output = Run(buffer, [10, 12, 13, 11, 15, 14, 16]);
        Assert.Equal([10, 11, 12, 13, 14, 15, 16], output);
        Assert.Equal(2, buffer.Reordered);
        Assert.Equal(0, buffer.Lost);
    }

    [Fact]
    public void Wraps_from_65535_to_0()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8);
        var output = Run(buffer, [65533, 65535, 65534, 1, 0, 2]);
        Assert.Equal([65533, 65534, 65535, 0, 1, 2], output);
        Assert.Equal(0, buffer.Lost);
    }

    [Fact]
    public void Drops_duplicates_held_and_already_released()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8);
        var output = Run(buffer, [1, 3, 3, 2, 2, 1, 4]);
        Assert.Equal([1, 2, 3, 4], output);
        Assert.Equal(1, buffer.Duplicates);
        Assert.Equal(2, buffer.Late);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void Skips_a_gap_once_the_window_fills()
    {
        using var buffer = new RtpReorderBuffer(capacity: 4);
        // 2 never comes: 3, 4, 5 wait; 6 would not fit, so the gap is given up.
        Assert.Equal([1], Run(buffer, [1, 3, 4, 5]));
        Assert.Equal(3, buffer.Count);
        Assert.Equal([3, 4, 5, 6], Run(buffer, [6]));
        Assert.Equal(1, buffer.Lost);
        Assert.Equal([], Run(buffer, [2]));
        Assert.Equal(1, buffer.Late);
    }

    [Fact]
    public void A_jump_beyond_the_window_counts_every_missing_number()
    {
        using var buffer = new RtpReorderBuffer(capacity: 4);
        // 97..99 may still come (the window is 97..100 once 100 is in), so 100 waits until 103 pushes the window past them.
        Assert.Equal([1, 2], Run(buffer, [1, 2, 100, 101, 102]));
        Assert.Equal([100, 101, 102, 103], Run(buffer, [103]));
        Assert.Equal(97, buffer.Lost);
        Assert.Equal(0, buffer.Restarts);
    }

    [Fact]
    public void A_far_jump_restarts_after_handing_out_what_was_held()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8, restartThreshold: 3000);
        Assert.Equal([100], Run(buffer, [100, 102]));
        Assert.Equal([102, 40000, 40001], Run(buffer, [40000, 40001]));
        Assert.Equal(1, buffer.Restarts);
        Assert.Equal([7, 8], Run(buffer, [7, 8])); // and back again (a sender restarted at a low number)
        Assert.Equal(2, buffer.Restarts);
    }

    [Fact]
    public void The_time_bound_skips_a_gap_before_the_window_fills()
    {
        using var buffer = new RtpReorderBuffer(capacity: 64, maxDelayMs: 50);
        buffer.Push(RtpPackets.Pooled(1), nowMs: 1000);
        buffer.Push(RtpPackets.Pooled(3), nowMs: 1010);
        Assert.Equal([1], PopAll(buffer, 1010));
        Assert.Equal([], PopAll(buffer, 1059));
        Assert.Equal([3], PopAll(buffer, 1060));
        Assert.Equal(1, buffer.Lost);
    }

    [Fact]
    public void Flush_hands_out_everything_and_dispose_releases_what_is_held()
    {
        var buffer = new RtpReorderBuffer(capacity: 8);
        Assert.Equal([1], Run(buffer, [1, 4, 6]));
        buffer.Flush();
        Assert.Equal([4, 6], PopAll(buffer, 0));

        var held = RtpPackets.Pooled(9);
        held.Buffer.Retain(); // keep one to watch the count
        buffer.Push(held);
        Assert.Equal(2, held.Buffer.RefCount);
        buffer.Dispose();
        Assert.Equal(1, held.Buffer.RefCount);
        held.Release();
    }

    [Fact]
    public void Dropped_packets_are_released()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8);
        Run(buffer, [5]);
        var duplicate = RtpPackets.Pooled(5);
        duplicate.Buffer.Retain();
        buffer.Push(duplicate);
        Assert.Equal(1, duplicate.Buffer.RefCount);
        duplicate.Release();
    }

    [Fact]
    public void Push_and_pop_allocate_nothing()
    {
        using var buffer = new RtpReorderBuffer(capacity: 16);
        var packets = Enumerable.Range(0, 64).Select(i => RtpPackets.Pooled((ushort)i)).ToArray();
        int[] order = [.. Enumerable.Range(0, 64).Select(i => i ^ 1)]; // pairs swapped: every other packet waits
        RunRetained(buffer, packets, order, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunRetained(buffer, packets, order, 64);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, buffer.Lost);
        foreach (var packet in packets)
        {
            packet.Release();
        }
    }

    [Fact]
    public void Pass_through_takes_in_order_packets_only_while_nothing_is_held()
    {
        using var buffer = new RtpReorderBuffer(capacity: 8);
        Assert.True(buffer.TryPassThrough(65534));
        Assert.True(buffer.TryPassThrough(65535));
        Assert.True(buffer.TryPassThrough(0));      // wraps
        Assert.False(buffer.TryPassThrough(2));     // a gap: must be pushed
        buffer.Push(RtpPackets.Pooled(2));
        Assert.Empty(PopAll(buffer, 0));
        Assert.False(buffer.TryPassThrough(1));     // in order, but 2 waits behind it: pushed so both go out in order
        buffer.Push(RtpPackets.Pooled(1));
        Assert.Equal([1, 2], PopAll(buffer, 0));
        Assert.True(buffer.TryPassThrough(3));
        Assert.False(buffer.TryPassThrough(3));     // a duplicate is pushed (and dropped there)
        buffer.Push(RtpPackets.Pooled(3));
        Assert.Empty(PopAll(buffer, 0));
        Assert.Equal((7L, 1L, 0L), (buffer.Received, buffer.Late, buffer.Lost));
    }

    [Fact]
    public void Pass_through_then_push_gives_the_order_push_alone_gives()
    {
        // Property: on any arrival order, taking the fast path whenever it is offered changes nothing in the output.
        var random = new Random(12);
        for (int run = 0; run < 200; run++)
        {
            int[] arrivals = Arrivals(random);
            using var plain = new RtpReorderBuffer(capacity: 16);
            using var fast = new RtpReorderBuffer(capacity: 16);
            var expected = Run(plain, arrivals);
            var actual = new List<int>();
            foreach (int sequence in arrivals)
            {
                if (fast.TryPassThrough((ushort)sequence))
                {
                    actual.Add(sequence);
                    continue;
                }

                fast.Push(RtpPackets.Pooled((ushort)sequence));
                actual.AddRange(PopAll(fast, 0));
            }

            Assert.Equal(expected, actual);
            Assert.Equal((plain.Received, plain.Lost, plain.Late + plain.Duplicates), (fast.Received, fast.Lost, fast.Late + fast.Duplicates));
        }
    }

    // A sequence from 65500 with swaps, losses and duplicates, wrapping past 65535.
    private static int[] Arrivals(Random random)
    {
        var list = new List<int>();
        for (int i = 0; i < 120; i++)
        {
            int roll = random.Next(100);
            if (roll < 5)
            {
                continue;
            }

            list.Add((65500 + i) & 0xFFFF);
            if (roll > 96)
            {
                list.Add((65500 + i) & 0xFFFF);
            }
        }

        for (int i = 0; i + 1 < list.Count; i++)
        {
            if (random.Next(100) < 15)
            {
                (list[i], list[i + 1]) = (list[i + 1], list[i]);
            }
        }

        return [.. list];
    }

    private static void RunRetained(RtpReorderBuffer buffer, RtpPacket[] packets, int[] order, int offset)
    {
        foreach (int i in order)
        {
            var packet = packets[i];
            packet.Buffer.Retain();
            buffer.Push(new RtpPacket(packet.Buffer, packet.Header with { SequenceNumber = (ushort)(i + offset) }, packet.PayloadOffset, packet.PayloadLength));
            while (buffer.TryPop(out var popped))
            {
                popped.Release();
            }
        }
    }

    /// <summary>Pushes each sequence number, popping after each push; returns what came out (released).</summary>
    internal static List<int> Run(RtpReorderBuffer buffer, int[] sequences)
    {
        var output = new List<int>();
        foreach (int sequence in sequences)
        {
            buffer.Push(RtpPackets.Pooled((ushort)sequence));
            output.AddRange(PopAll(buffer, 0));
        }

        return output;
    }

    internal static List<int> PopAll(RtpReorderBuffer buffer, long nowMs)
    {
        var output = new List<int>();
        while (buffer.TryPop(nowMs, out var packet))
        {
            output.Add(packet.Header.SequenceNumber);
            packet.Release();
        }

        return output;
    }
}
