using System.Buffers;
using System.Runtime.InteropServices;
using Lkm.Sdk.Buffers;

namespace Lkm.Sdk.Tests.Buffers;

/// <summary>
/// What a trans stream relies on from its <see cref="SegmentBuilder"/>: segments hold exactly what was written,
/// growth keeps the bytes, the media time span and keyframe flag come from the frames marked, the array is handed
/// over without a copy and goes back to the pool on the last release, and the next array is sized from the last
/// segment rather than the largest ever seen.
/// </summary>
public sealed class SegmentBuilderTests
{
    [Fact]
    public void A_completed_segment_holds_exactly_the_bytes_written_and_the_builder_starts_empty()
    {
        using var builder = new SegmentBuilder();
        builder.Write([1, 2, 3]);
        builder.Write([4, 5]);
        Assert.Equal(5, builder.WrittenCount);
        Assert.Equal([1, 2, 3, 4, 5], builder.WrittenSpan.ToArray());

        var segment = builder.Complete();
        Assert.Equal(5, segment.Length);
        Assert.Equal([1, 2, 3, 4, 5], segment.Memory.ToArray());
        Assert.Equal(5, segment.ArraySegment.Count);
        Assert.Equal(1, segment.RefCount);
        Assert.False(segment.IsMedia);

        Assert.True(builder.IsEmpty);
        Assert.Equal(0, builder.WrittenCount);
        builder.Write([9]);
        var next = builder.Complete();
        Assert.Equal([9], next.Memory.ToArray());
        Assert.Equal([1, 2, 3, 4, 5], segment.Memory.ToArray()); // the first segment's array was handed over, not reused
        segment.Release();
        next.Release();
    }

    [Fact]
    public void Works_as_a_buffer_writer_with_get_span_and_advance()
    {
        using var builder = new SegmentBuilder();
        IBufferWriter<byte> writer = builder;
        var span = writer.GetSpan(3);
        span[0] = 7;
        span[1] = 8;
        writer.Advance(2);
        var memory = writer.GetMemory(10);
        Assert.True(memory.Length >= 10);
        memory.Span[0] = 9;
        writer.Advance(1);
        Assert.Equal([7, 8, 9], builder.WrittenSpan.ToArray());

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
        int room = writer.GetSpan().Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(room + 1));
        Assert.Equal(3, builder.WrittenCount);

        var segment = builder.Complete();
        Assert.Equal([7, 8, 9], segment.Memory.ToArray());
        segment.Release();
    }

    [Fact]
    public void Growing_far_past_the_initial_size_keeps_every_byte_in_order()
    {
        using var builder = new SegmentBuilder(initialSize: 16);
        var expected = new List<byte>();
        var random = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            var chunk = new byte[random.Next(1, 3000)];
            random.NextBytes(chunk);
            expected.AddRange(chunk);
            if (i % 2 == 0)
            {
                builder.Write(chunk);
            }
            else
            {
                chunk.CopyTo(builder.GetSpan(chunk.Length));
                builder.Advance(chunk.Length);
            }
        }

        Assert.True(expected.Count > 256 * 1024, "the test must grow the array several times");
        Assert.Equal(expected.Count, builder.WrittenCount);
        var segment = builder.Complete();
        Assert.Equal(expected.Count, segment.Length);
        Assert.Equal(expected.ToArray(), segment.Memory.ToArray());
        segment.Release();
    }

    [Fact]
    public void Marked_frames_give_the_segment_its_time_span_and_keyframe_start()
    {
        using var builder = new SegmentBuilder();
        Assert.False(builder.HasMedia);
        builder.MarkFrame(1000, startsGop: true);
        builder.Write([1]);
        builder.MarkFrame(1040, startsGop: false);
        builder.MarkFrame(1080, startsGop: true); // a later keyframe does not change how the segment starts
        builder.Write([2]);
        Assert.True(builder.HasMedia);
        Assert.Equal(1000, builder.StartDts);

        var gop = builder.Complete();
        Assert.True(gop.IsMedia);
        Assert.True(gop.StartsWithKeyFrame);
        Assert.Equal(1000, gop.StartDts);
        Assert.Equal(1080, gop.EndDts);

        Assert.False(builder.HasMedia);
        builder.MarkFrame(1120, startsGop: false);
        builder.MarkFrame(1160, startsGop: true);
        builder.Write([3]);
        var middle = builder.Complete();
        Assert.True(middle.IsMedia);
        Assert.False(middle.StartsWithKeyFrame);
        Assert.Equal((1120L, 1160L), (middle.StartDts, middle.EndDts));

        builder.Write([4]);
        var header = builder.Complete();
        Assert.False(header.IsMedia);
        Assert.False(header.StartsWithKeyFrame);

        gop.Release();
        middle.Release();
        header.Release();
    }

    [Fact]
    public void Reset_drops_what_was_written_and_the_media_marks()
    {
        using var builder = new SegmentBuilder();
        builder.MarkFrame(5, startsGop: true);
        builder.Write([1, 2, 3]);
        builder.Reset();
        Assert.True(builder.IsEmpty);
        Assert.False(builder.HasMedia);

        builder.Write([4]);
        var segment = builder.Complete();
        Assert.Equal([4], segment.Memory.ToArray());
        Assert.False(segment.IsMedia);
        Assert.False(segment.StartsWithKeyFrame);
        segment.Release();
    }

    [Fact]
    public void A_segment_stays_readable_while_any_owner_holds_a_reference_and_is_freed_by_the_last_release()
    {
        using var builder = new SegmentBuilder();
        builder.Write([1, 2, 3]);
        var segment = builder.Complete();
        segment.Retain(); // e.g. a player's queue
        Assert.Equal(2, segment.RefCount);

        segment.Release(); // the trans stream lets go
        Assert.Equal([1, 2, 3], segment.Memory.ToArray());

        segment.Release(); // the player sent it
        Assert.Equal(0, segment.RefCount);
        Assert.Throws<ObjectDisposedException>(() => segment.Memory);
        Assert.Throws<ObjectDisposedException>(() => segment.ArraySegment);
        Assert.Throws<InvalidOperationException>(segment.Release);
        Assert.Throws<InvalidOperationException>(segment.Retain);
    }

    [Fact]
    public void The_last_release_gives_the_array_back_to_the_shared_pool()
    {
        using var builder = new SegmentBuilder();
        builder.Write(new byte[100]);
        var segment = builder.Complete();
        AssertGoesBackToThePool(segment.ArraySegment.Array!, segment.Release);
    }

    [Fact]
    public void Dispose_gives_the_builders_array_back_to_the_shared_pool()
    {
        var builder = new SegmentBuilder();
        builder.Write([1]);
        Assert.True(MemoryMarshal.TryGetArray<byte>(builder.GetMemory(), out var current));
        AssertGoesBackToThePool(current.Array!, builder.Dispose);
    }

    /// <summary>
    /// ArrayPool&lt;byte&gt;.Shared keeps one array per size in a per-thread slot: take whatever sits there first,
    /// so the slot is empty when <paramref name="array"/> comes back, and the next rent on this thread returns it.
    /// </summary>
    private static void AssertGoesBackToThePool(byte[] array, Action giveBack)
    {
        var placeholder = ArrayPool<byte>.Shared.Rent(array.Length);
        try
        {
            giveBack();
            var again = ArrayPool<byte>.Shared.Rent(array.Length);
            Assert.Same(array, again);
            ArrayPool<byte>.Shared.Return(again);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(placeholder);
        }
    }

    [Fact]
    public void The_next_array_is_sized_from_the_last_segment_not_the_largest_ever_seen()
    {
        using var builder = new SegmentBuilder();
        const int KeyframeWindow = 1024 * 1024;
        builder.Write(new byte[KeyframeWindow]);
        var big = builder.Complete();

        // Room for a segment like the last one, with a quarter to spare, without growing.
        Assert.True(builder.GetMemory().Length >= KeyframeWindow + (KeyframeWindow / 4), $"only {builder.GetMemory().Length} bytes after a {KeyframeWindow}-byte segment");

        builder.Write(new byte[100]);
        var small = builder.Complete();

        // After a small segment the builder shrinks back: later segments (kept for a whole GOP) must not each hold megabytes.
        Assert.InRange(builder.GetMemory().Length, 100, (64 * 1024) - 1);
        Assert.Equal(KeyframeWindow, big.Length);
        Assert.Equal(100, small.Length);
        big.Release();
        small.Release();
    }

    [Fact]
    public void An_empty_complete_is_a_zero_length_segment()
    {
        using var builder = new SegmentBuilder();
        var segment = builder.Complete();
        Assert.Equal(0, segment.Length);
        Assert.True(segment.Memory.IsEmpty);
        Assert.False(segment.IsMedia);
        segment.Release();
    }
}
