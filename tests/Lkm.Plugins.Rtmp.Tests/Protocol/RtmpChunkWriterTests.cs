using System.Buffers;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Testing.Rtmp;
using RtmpMessageType = Lkm.Plugins.Rtmp.Protocol.RtmpMessageType;

namespace Lkm.Plugins.Rtmp.Tests.Protocol;

public class RtmpChunkWriterTests
{
    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static (List<ReadMessage> Messages, byte[] Bytes) RoundTrip(int chunkSize, params (int Csid, RtmpMessageType Type, uint Ts, byte[] Payload)[] messages)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var m in messages)
        {
            int before = output.WrittenCount;
            RtmpChunkWriter.WriteMessage(output, m.Csid, m.Type, m.Ts, 1, m.Payload, chunkSize);
            Assert.Equal(RtmpChunkWriter.GetMessageSize(m.Csid, m.Ts, m.Payload.Length, chunkSize), output.WrittenCount - before);
        }

        var bytes = output.WrittenSpan.ToArray();
        using var reader = new RtmpChunkReader(16 * 1024 * 1024 - 1);
        if (chunkSize != RtmpChunkReader.DefaultChunkSize)
        {
            var setChunkSize = new ArrayBufferWriter<byte>();
            RtmpControlMessages.WriteSetChunkSize(setChunkSize, chunkSize, RtmpChunkReader.DefaultChunkSize);
            var control = ChunkFeeder.ReadAll(reader, setChunkSize.WrittenSpan.ToArray());
            Assert.Equal(RtmpMessageType.SetChunkSize, Assert.Single(control).Type);
        }

        return (ChunkFeeder.ReadAll(reader, bytes, pieceSize: 4096, segmentation: new Random(chunkSize)), bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(4096)]
    [InlineData(60000)]
    public void Messages_round_trip_through_the_reader(int chunkSize)
    {
        var sent = new[]
        {
            (6, RtmpMessageType.Video, 0u, Payload(150_000, 1)),
            (4, RtmpMessageType.Audio, 23u, Payload(300, 2)),
            (5, RtmpMessageType.DataAmf0, 0u, Payload(0, 3)),
            (300, RtmpMessageType.Video, 40u, Payload(chunkSize, 4)),
            (65599, RtmpMessageType.Audio, 46u, Payload(chunkSize + 1, 5)),
        };

        var (received, _) = RoundTrip(chunkSize, sent);

        Assert.Equal(sent.Select(s => (s.Item1, s.Item2, s.Item3)), received.Select(r => (r.Csid, r.Type, r.Timestamp)));
        Assert.Equal(sent.Select(s => s.Item4), received.Select(r => r.Payload));
        Assert.All(received, r => Assert.Equal(1, r.StreamId));
    }

    [Theory]
    [InlineData(0xFFFFFEu)]
    [InlineData(0xFFFFFFu)]
    [InlineData(0x12345678u)]
    [InlineData(0xFFFFFFFFu)]
    public void Extended_timestamps_round_trip_and_repeat_on_every_continuation_chunk(uint timestamp)
    {
        var payload = Payload(1000, 1);
        var (received, bytes) = RoundTrip(128, (6, RtmpMessageType.Video, timestamp, payload));

        Assert.Equal(timestamp, Assert.Single(received).Timestamp);
        Assert.Equal(payload, received[0].Payload);
        int chunks = 8;
        int expectedSize = timestamp >= 0xFFFFFF ? 12 + 4 + ((chunks - 1) * 5) + 1000 : 12 + ((chunks - 1) * 1) + 1000;
        Assert.Equal(expectedSize, bytes.Length);
    }

    [Fact]
    public void Every_message_is_self_contained_so_a_reader_can_start_at_any_message()
    {
        // What players who join late rely on: no message depends on chunk-stream state of an earlier one.
        var output = new ArrayBufferWriter<byte>();
        var starts = new List<int>();
        uint[] timestamps = [0xFFFFFF00, 0xFFFFFFF0, 5, 0x01000000];
        foreach (var ts in timestamps)
        {
            starts.Add(output.WrittenCount);
            RtmpChunkWriter.WriteMessage(output, 6, RtmpMessageType.Video, ts, 1, Payload(400, (int)ts), 128);
        }

        var bytes = output.WrittenSpan.ToArray();
        for (int i = 0; i < starts.Count; i++)
        {
            using var reader = new RtmpChunkReader();
            var messages = ChunkFeeder.ReadAll(reader, bytes[starts[i]..]);
            Assert.Equal(timestamps[i..], messages.Select(m => m.Timestamp));
        }
    }

    [Fact]
    public void Timestamps_across_the_32_bit_wrap_keep_their_values()
    {
        uint[] timestamps = [0xFFFFFFF0, 0xFFFFFFFF, 0, 16];
        var (received, _) = RoundTrip(60000, [.. timestamps.Select(t => (4, RtmpMessageType.Audio, t, Payload(10, (int)t)))]);

        Assert.Equal(timestamps, received.Select(r => r.Timestamp));
    }

    [Fact]
    public void A_two_part_payload_is_written_like_the_concatenation()
    {
        var head = Payload(5, 1);
        var body = Payload(70_000, 2);
        var joined = new ArrayBufferWriter<byte>();
        var split = new ArrayBufferWriter<byte>();

        RtmpChunkWriter.WriteMessage(joined, 6, RtmpMessageType.Video, 0x01000000, 1, [.. head, .. body], 1000);
        RtmpChunkWriter.WriteMessage(split, 6, RtmpMessageType.Video, 0x01000000, 1, head, body, 1000);

        Assert.Equal(joined.WrittenSpan.ToArray(), split.WrittenSpan.ToArray());
    }

    [Fact]
    public void The_reader_reads_what_an_independent_compressing_encoder_wrote_like_the_writer()
    {
        // Same message through the plugin writer (fmt 0 + fmt 3) and the test encoder (first message fmt 0 too).
        var payload = Payload(500, 9);
        var mine = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(mine, 6, RtmpMessageType.Video, 0x01020304, 1, payload, 128);
        var theirs = new RtmpChunkEncoder().EncodeMessage(6, RtmpMessageType.Video, 0x01020304, 1, payload);

        Assert.Equal(theirs, mine.WrittenSpan.ToArray());
    }
}
