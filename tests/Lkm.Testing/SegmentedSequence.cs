using System.Buffers;

namespace Lkm.Testing;

/// <summary>Builds multi-segment sequences, so parsers meet headers and values split across pipe segments.</summary>
public static class SegmentedSequence
{
    /// <summary>One segment per part, in order.</summary>
    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> into 1 to <paramref name="maxPieces"/> pieces at random points (pieces may be empty).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, Random random, int maxPieces = 8)
    {
        int pieces = random.Next(1, maxPieces + 1);
        var cuts = Enumerable.Range(0, pieces - 1).Select(_ => random.Next(0, data.Length + 1)).Order().ToList();
        cuts.Insert(0, 0);
        cuts.Add(data.Length);
        return Create(cuts.Zip(cuts.Skip(1), (a, b) => data[a..b]).ToArray());
    }

    /// <summary>Segments of <paramref name="segmentSize"/> bytes (the last one shorter), over the same memory.</summary>
    public static ReadOnlySequence<byte> OfFixedSize(byte[] bytes, int segmentSize)
    {
        Segment? first = null, last = null;
        for (int i = 0; i < bytes.Length; i += segmentSize)
        {
            var memory = bytes.AsMemory(i, Math.Min(segmentSize, bytes.Length - i));
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>A chain of segments of random sizes from 1 to <paramref name="maxSegmentSize"/> bytes; under 2 bytes stays one segment.</summary>
    public static ReadOnlySequence<byte> OfRandomSizes(byte[] data, Random random, int maxSegmentSize = 39)
    {
        if (data.Length < 2)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment? first = null, last = null;
        int offset = 0;
        while (offset < data.Length)
        {
            int size = Math.Min(data.Length - offset, random.Next(1, maxSegmentSize + 1));
            var memory = data.AsMemory(offset, size);
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }

            offset += size;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
