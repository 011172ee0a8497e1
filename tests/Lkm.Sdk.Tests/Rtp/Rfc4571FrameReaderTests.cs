using System.Buffers;
using Lkm.Sdk.Rtp;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Rtp;

public class Rfc4571FrameReaderTests
{
    [Fact]
    public void Writes_a_big_endian_prefix_and_refuses_impossible_lengths()
    {
        Span<byte> prefix = stackalloc byte[2];
        Assert.Equal(2, Rfc4571Framing.WritePrefix(prefix, 0x1234));
        Assert.Equal(new byte[] { 0x12, 0x34 }, prefix.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Rfc4571Framing.WritePrefix(new byte[2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rfc4571Framing.WritePrefix(new byte[2], 65536));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_packets_split_anywhere_across_segments(bool resync)
    {
        var packets = Enumerable.Range(0, 20).Select(i => RtpPackets.Build((ushort)i, new byte[i * 37])).ToArray();
        var stream = Framed(packets);
        var random = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            var read = ReadAll(new Rfc4571FrameReader(resync), SegmentedSequence.OfRandomSizes(stream, random, 9), out var status, out long left);
            Assert.Equal(Rfc4571ReadStatus.NeedMoreData, status);
            Assert.Equal(0, left);
            Assert.Equal(packets, read);
        }
    }

    [Fact]
    public void Leaves_a_partial_packet_unconsumed()
    {
        var stream = Framed([RtpPackets.Build(1, [1, 2, 3]), RtpPackets.Build(2, [4, 5, 6])]);
        var buffer = new ReadOnlySequence<byte>(stream, 0, stream.Length - 1);
        var framer = new Rfc4571FrameReader();
        Assert.Equal(Rfc4571ReadStatus.Packet, framer.TryRead(ref buffer, out _));
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, framer.TryRead(ref buffer, out _));
        Assert.Equal(2 + 15 - 1, buffer.Length);
    }

    [Fact]
    public void Strict_mode_refuses_a_zero_length()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0x80 });
        Assert.Equal(Rfc4571ReadStatus.Invalid, new Rfc4571FrameReader().TryRead(ref buffer, out _));
    }

    [Fact]
    public void Resync_skips_garbage_between_packets_and_counts_it()
    {
        var first = RtpPackets.Build(1, [1, 2, 3]);
        var second = RtpPackets.Build(2, [4, 5, 6, 7]);
        var third = RtpPackets.Build(3, [8]);
        var fourth = RtpPackets.Build(4, [9]);
        byte[] garbage = [0x00, 0x00, 0x81, 0x13, 0x00, 0x0C, 0x80, 0x60, 0xFF]; // a zero length, then a fake prefix of another SSRC
        byte[] stream = [.. Framed([first, second]), .. garbage, .. Framed([third, fourth])];
        var framer = new Rfc4571FrameReader(resync: true);
        var read = ReadAll(framer, new ReadOnlySequence<byte>(stream), out var status, out _);
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, status);
        Assert.Equal([first, second, third, fourth], read);
        Assert.Equal(garbage.Length, framer.SkippedBytes);
        Assert.Equal(1, framer.Resyncs);
    }

    [Fact]
    public void Resync_takes_a_new_ssrc_once_the_next_frame_confirms_it()
    {
        byte[][] packets = [RtpPackets.Build(1, [1], ssrc: 1), RtpPackets.Build(2, [2], ssrc: 1), RtpPackets.Build(1, [3], ssrc: 2), RtpPackets.Build(2, [4], ssrc: 2)];
        var stream = Framed(packets);
        var framer = new Rfc4571FrameReader(resync: true);

        // The first packet waits for the second to confirm it; the third (new SSRC) for the fourth.
        var partial = new ReadOnlySequence<byte>(stream, 0, 15 + 2);
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, framer.TryRead(ref partial, out _));
        Assert.Equal(packets, ReadAll(framer, new ReadOnlySequence<byte>(stream), out _, out _));
        Assert.Equal(0, framer.SkippedBytes);
    }

    [Fact]
    public void Resync_recovers_every_packet_around_random_garbage()
    {
        var random = new Random(4571);
        for (int round = 0; round < 200; round++)
        {
            var packets = Enumerable.Range(0, 30).Select(i => RtpPackets.Build((ushort)i, new byte[random.Next(0, 300)])).ToArray();
            var stream = new List<byte>();
            long garbageBytes = 0;
            foreach (var (packet, index) in packets.Select((p, i) => (p, i)))
            {
                // Not between the first two: a first packet directly followed by garbage cannot be told from garbage.
                if (index != 1 && random.Next(4) == 0)
                {
                    var garbage = new byte[random.Next(1, 60)];
                    random.NextBytes(garbage);
                    stream.AddRange(garbage);
                    garbageBytes += garbage.Length;
                }

                stream.AddRange(Framed([packet]));
            }

            // A garbage frame of another SSRC waits (at most its length) for the frame that would confirm it: a live stream
            // always brings those bytes; here a tail of 64 KiB of packets does.
            stream.AddRange(Framed([.. Enumerable.Range(30, 60).Select(i => RtpPackets.Build((ushort)i, new byte[1100]))]));
            var framer = new Rfc4571FrameReader(resync: true);
            var read = ReadAll(framer, SegmentedSequence.OfRandomSizes([.. stream], random, 100), out var status, out _);
            Assert.Equal(Rfc4571ReadStatus.NeedMoreData, status);
            Assert.Equal(packets, read.Take(packets.Length));
            Assert.Equal(garbageBytes, framer.SkippedBytes);
        }
    }

    [Fact]
    public void Resync_gives_up_after_its_bound()
    {
        var framer = new Rfc4571FrameReader(resync: true, maxResyncBytes: 100);
        var buffer = new ReadOnlySequence<byte>(new byte[300]);
        Assert.Equal(Rfc4571ReadStatus.Invalid, framer.TryRead(ref buffer, out _));
        Assert.True(framer.SkippedBytes <= 101);
    }

    [Fact]
    public void Resync_consumes_garbage_while_waiting_for_more()
    {
        var framer = new Rfc4571FrameReader(resync: true);
        var buffer = new ReadOnlySequence<byte>(new byte[50]);
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, framer.TryRead(ref buffer, out _));
        Assert.True(buffer.Length < 2, "judged garbage must not stay in the pipe");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reading_allocates_nothing(bool resync)
    {
        var stream = Framed([.. Enumerable.Range(0, 50).Select(i => RtpPackets.Build((ushort)i, new byte[200]))]);
        var input = SegmentedSequence.OfFixedSize(stream, 1000);
        var framer = new Rfc4571FrameReader(resync);
        Count(framer, input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = Count(framer, input);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(50, count);

        static int Count(Rfc4571FrameReader framer, ReadOnlySequence<byte> buffer)
        {
            int count = 0;
            while (framer.TryRead(ref buffer, out _) == Rfc4571ReadStatus.Packet)
            {
                count++;
            }

            return count;
        }
    }

    internal static byte[] Framed(byte[][] packets)
    {
        var output = new List<byte>();
        foreach (var packet in packets)
        {
            var prefix = new byte[2];
            Rfc4571Framing.WritePrefix(prefix, packet.Length);
            output.AddRange(prefix);
            output.AddRange(packet);
        }

        return [.. output];
    }

    internal static List<byte[]> ReadAll(Rfc4571FrameReader framer, ReadOnlySequence<byte> buffer, out Rfc4571ReadStatus status, out long left)
    {
        var read = new List<byte[]>();
        while ((status = framer.TryRead(ref buffer, out var packet)) == Rfc4571ReadStatus.Packet)
        {
            read.Add(packet.ToArray());
        }

        left = buffer.Length;
        return read;
    }
}
