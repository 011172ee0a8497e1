using Lkm.Sdk.Buffers;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Tests.Support;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Rtp;

public class RtpFuzzTests
{
    private const int Iterations = 10_000;

    private static readonly byte[][] Seeds =
    [
        RtpPackets.Build(1, [1, 2, 3, 4]),
        Hex.Bytes("b2600001000000010a0b0c0d1111111122222222bede000110ff00004142000003"),
        Hex.Bytes("a0600001000000010a0b0c0d00000004"),
        Hex.Bytes("9f60000100000001" + "0a0b0c0d" + string.Concat(Enumerable.Repeat("01020304", 15)) + "10000002aabbccddeeff0011"),
    ];

    [Fact]
    public void Header_parser_never_throws_never_allocates_and_keeps_its_ranges_inside_the_packet()
    {
        var mutator = new Mutator(3550);
        RtpHeader.TryParse(Seeds[0], out _, out _, out _); // JIT it before counting
        for (int i = 0; i < Iterations; i++)
        {
            var input = i % 3 == 0 ? mutator.RandomBytes(96) : mutator.Mutate(Seeds[i % Seeds.Length]);
            if (i % 3 == 0 && input.Length > 0)
            {
                input[0] = (byte)(0x80 | (input[0] & 0x3F)); // version 2, to get past the first check
            }

            // No exception may escape (the parser's error path is its return value), and the parse itself allocates nothing.
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool parsed = RtpHeader.TryParse(input, out var header, out int offset, out int length, out var error);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            CheckParse(input, parsed, header, offset, length, error);
        }
    }

    [Fact]
    public void Framing_with_resync_never_throws_and_returns_only_slices_of_the_input()
    {
        var mutator = new Mutator(4571);
        var stream = Rfc4571FrameReaderTests.Framed([.. Seeds, .. Seeds]);
        for (int i = 0; i < 2_000; i++)
        {
            var input = i % 4 == 0 ? mutator.RandomBytes(256) : mutator.Mutate(stream);
            foreach (bool resync in new[] { false, true })
            {
                Mutator.AssertOnlyThrows<OutOfMemoryException>(input, bytes =>
                {
                    var framer = new Rfc4571FrameReader(resync, maxResyncBytes: 64);
                    var buffer = SegmentedSequence.OfRandomSizes(bytes, mutator.Random, 17);
                    long total = buffer.Length;
                    Rfc4571ReadStatus status;
                    long consumed = 0;
                    while ((status = framer.TryRead(ref buffer, out var packet)) == Rfc4571ReadStatus.Packet)
                    {
                        Assert.InRange(packet.Length, resync ? RtpHeader.FixedLength : 1, Rfc4571Framing.MaxPacketLength);
                        consumed += Rfc4571Framing.PrefixLength + packet.Length;
                    }

                    Assert.True(consumed + framer.SkippedBytes + buffer.Length == total, "every byte is a packet, skipped, or left");
                }, maxAllocatedBytes: 64 * 1024);
            }
        }
    }

    [Fact]
    public void Reorder_buffer_releases_each_received_packet_at_most_once_in_order_within_its_bound()
    {
        var random = new Random(1234);
        for (int round = 0; round < 300; round++)
        {
            int capacity = random.Next(2, 40);
            int count = random.Next(1, 600);
            ushort start = (ushort)random.Next(65536 - 300, 65536 + 300); // often across the wrap
            var sequences = Enumerable.Range(0, count).Select(i => (ushort)(start + i)).ToList();

            // Drop some, duplicate some, and shuffle within a displacement smaller than the window.
            sequences = sequences.Where(_ => random.Next(10) != 0).ToList();
            sequences.AddRange(sequences.Where(_ => random.Next(20) == 0).ToList());
            var keyed = sequences.Select((s, i) => (s, key: i + random.NextDouble() * capacity * 0.9 + (random.Next(30) == 0 ? capacity * 2 : 0))).OrderBy(x => x.key).Select(x => x.s).ToList();

            var all = new List<PooledBuffer>();
            using var buffer = new RtpReorderBuffer(capacity);
            var released = new List<ushort>();
            var pushed = new HashSet<ushort>();
            foreach (ushort sequence in keyed)
            {
                pushed.Add(sequence);
                var pooled = RtpPackets.Pooled(sequence);
                all.Add(pooled.Buffer);
                buffer.Push(pooled);
                Assert.InRange(buffer.Count, 0, capacity);
                while (buffer.TryPop(out var packet))
                {
                    released.Add(packet.Header.SequenceNumber);
                    packet.Release();
                }
            }

            buffer.Flush();
            while (buffer.TryPop(out var packet))
            {
                released.Add(packet.Header.SequenceNumber);
                packet.Release();
            }

            Assert.Equal(0, buffer.Count);
            Assert.Equal(released.Count, released.Distinct().Count());
            Assert.All(released, s => Assert.Contains(s, pushed));
            for (int i = 1; i < released.Count; i++)
            {
                Assert.True((short)(released[i] - released[i - 1]) > 0, $"{released[i]} after {released[i - 1]} (round {round})");
            }

            Assert.Equal(buffer.Received, released.Count + buffer.Duplicates + buffer.Late);
            Assert.All(all, b => Assert.Equal(0, b.RefCount)); // every buffer went back to the pool exactly once
        }
    }

    [Fact]
    public void Reorder_buffer_survives_random_sequence_numbers()
    {
        var random = new Random(99);
        using var buffer = new RtpReorderBuffer(16, restartThreshold: 100);
        long popped = 0;
        for (int i = 0; i < Iterations; i++)
        {
            buffer.Push(RtpPackets.Pooled((ushort)random.Next(65536)));
            Assert.InRange(buffer.Count, 0, 16);
            while (buffer.TryPop(out var packet))
            {
                popped++;
                packet.Release();
            }
        }

        buffer.Flush();
        while (buffer.TryPop(out var packet))
        {
            popped++;
            packet.Release();
        }

        Assert.Equal(buffer.Received, popped + buffer.Duplicates + buffer.Late);
    }

    private static void CheckParse(byte[] bytes, bool parsed, RtpHeader header, int offset, int length, RtpParseError error)
    {
        if (parsed)
        {
            Assert.Equal(RtpParseError.None, error);
            Assert.True(offset >= RtpHeader.FixedLength && length >= 0 && offset + length + header.PaddingLength == bytes.Length);
            Assert.True(header.GetExtension(bytes).Length == header.ExtensionLength);
        }
        else
        {
            Assert.NotEqual(RtpParseError.None, error);
        }
    }
}
