using System.Buffers;

namespace Lkm.Bench.Tests.Support;

/// <summary>Builds multi-segment sequences, so parsers meet headers split across pipe segments.</summary>
public static class SegmentedSequence
{
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

    /// <summary>Splits <paramref name="data"/> into pieces at random points.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, Random random, int maxPieces = 8)
    {
        int pieces = random.Next(1, maxPieces + 1);
        var cuts = Enumerable.Range(0, pieces - 1).Select(_ => random.Next(0, data.Length + 1)).Order().ToList();
        cuts.Insert(0, 0);
        cuts.Add(data.Length);
        return Create(cuts.Zip(cuts.Skip(1), (a, b) => data[a..b]).ToArray());
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
