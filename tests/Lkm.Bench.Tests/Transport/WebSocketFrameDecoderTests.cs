using System.Buffers;
using System.Buffers.Binary;
using Lkm.Bench.Net;
using Lkm.Bench.Tests.Support;
using Lkm.Bench.WebSockets;
using Lkm.Testing;

namespace Lkm.Bench.Tests.Transport;

public sealed class WebSocketFrameDecoderTests
{
    private static byte[] Frame(int opcode, byte[] payload, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add(127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        return [.. header, .. payload];
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static (CollectingSink Sink, WebSocketFrameDecoder Decoder, ArrayBufferWriter<byte> Replies, PipeFeeder Feeder) Decode(byte[] data, int pieceLength)
    {
        var sink = new CollectingSink();
        var decoder = new WebSocketFrameDecoder();
        var replies = new ArrayBufferWriter<byte>();
        var feeder = PipeFeeder.FeedAll(data, pieceLength, (ref SequenceReader<byte> r) => decoder.Decode(ref r, sink, replies));
        return (sink, decoder, replies, feeder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(127)]
    [InlineData(100_000)]
    public void Binary_payloads_reach_the_sink_pings_are_answered_and_close_ends_the_stream(int pieceLength)
    {
        byte[] a = Bytes(3, 1), b = Bytes(300, 2), c = Bytes(70_000, 3), d = Bytes(10, 4);
        byte[] close = [0x03, 0xE8];
        byte[] stream = [.. Frame(2, a), .. Frame(2, b, fin: false), .. Frame(9, [1, 2, 3]), .. Frame(0, c), .. Frame(10, []), .. Frame(2, d), .. Frame(8, close), .. Frame(2, a)];

        var (sink, decoder, replies, feeder) = Decode(stream, pieceLength);

        Assert.Equal([.. a, .. b, .. c, .. d], sink.Bytes);
        Assert.True(decoder.IsClosed);
        Assert.Equal(1000, decoder.CloseStatus);
        Assert.Equal(Frame(2, a).Length, feeder.Unconsumed); // nothing read after the close frame

        // One pong: FIN + opcode 10, masked, the ping's payload under the mask.
        var pong = replies.WrittenSpan.ToArray();
        Assert.Equal(6 + 3, pong.Length);
        Assert.Equal(0x8A, pong[0]);
        Assert.Equal(0x80 | 3, pong[1]);
        Assert.Equal([1, 2, 3], pong[6..].Select((x, i) => (byte)(x ^ pong[2 + (i & 3)])));
    }

    [Theory]
    [InlineData(new byte[] { 0x82, 0x81, 1, 2, 3, 4, 0 })] // masked by the server
    [InlineData(new byte[] { 0x81, 0x01, 0x41 })] // text
    [InlineData(new byte[] { 0xC2, 0x00 })] // RSV1
    [InlineData(new byte[] { 0x83, 0x00 })] // reserved opcode
    [InlineData(new byte[] { 0x09, 0x00 })] // fragmented ping
    [InlineData(new byte[] { 0x80, 0x00 })] // continuation with no message
    [InlineData(new byte[] { 0x89, 0x7E, 0x00, 0x80 })] // ping longer than 125
    [InlineData(new byte[] { 0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0 })] // 64-bit length with the top bit
    public void Protocol_violations_are_rejected(byte[] frame) =>
        Assert.Throws<TransportFormatException>(() => Decode(frame, 100));

    [Fact]
    public void Random_input_throws_only_the_transport_exception_and_allocates_boundedly()
    {
        var random = new Random(99);
        for (int i = 0; i < 10_000; i++)
        {
            var input = new byte[random.Next(0, 200)];
            random.NextBytes(input);
            if (input.Length > 1 && i % 2 == 0)
            {
                input[0] = (byte)(0x80 | (random.Next(2) == 0 ? 2 : 9)); // a plausible first byte
                input[1] &= 0x7F;
            }

            var sink = new CollectingSink();
            var decoder = new WebSocketFrameDecoder();
            var replies = new ArrayBufferWriter<byte>();
            try
            {
                var reader = new SequenceReader<byte>(SegmentedSequence.Split(input, random));
                decoder.Decode(ref reader, sink, replies);
            }
            catch (TransportFormatException)
            {
                // The only failure allowed.
            }

            Assert.True(sink.Bytes.Count <= input.Length);
            Assert.True(replies.WrittenCount <= input.Length + 6 * input.Length);
        }
    }
}
