using System.Buffers;
using System.Buffers.Binary;
using Lkm.Bench.Media;
using Lkm.Bench.Rtmp;
using Lkm.Bench.Tests.Support;
using Lkm.Testing;

namespace Lkm.Bench.Tests.Rtmp;

public sealed class RtmpChunkParserTests
{
    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static (RecordingHandler Handler, RtmpChunkParser Parser, PipeFeeder Feeder) ParseInPieces(byte[] stream, int pieceLength, int maxBuffered = RtmpChunkParser.DefaultMaxBufferedMessage)
    {
        var handler = new RecordingHandler();
        var parser = new RtmpChunkParser(handler, maxBuffered);
        var feeder = PipeFeeder.FeedAll(stream, pieceLength, (ref SequenceReader<byte> r) => parser.Parse(ref r));
        return (handler, parser, feeder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(128)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void Messages_written_by_the_chunk_writer_parse_back_in_any_split(int pieceLength)
    {
        var command = Pattern(300, 1);
        var video = Pattern(10_000, 2);
        video[0] = 0x17;
        video[1] = 0x01;
        var audio = Pattern(371, 3);
        var bigData = Pattern(9000, 4);
        var output = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(output, 3, RtmpMessageType.CommandAmf0, 0, 0, command, 128);
        RtmpChunkWriter.WriteMessage(output, 64, RtmpMessageType.Video, 1, 40, video, 128);
        RtmpChunkWriter.WriteMessage(output, 319, RtmpMessageType.Audio, 1, 0x00FFFFFF, audio, 128);
        RtmpChunkWriter.WriteMessage(output, 320, RtmpMessageType.Audio, 1, 0x12345678, audio, 128);
        RtmpControl.SetChunkSize(output, 4096);
        RtmpChunkWriter.WriteMessage(output, 65599, RtmpMessageType.DataAmf0, 7, 5, bigData, 4096);
        RtmpChunkWriter.WriteMessage(output, 5, RtmpMessageType.UserControl, 0, 0, [], 4096);

        var (handler, parser, feeder) = ParseInPieces(output.WrittenSpan.ToArray(), pieceLength);

        Assert.Equal(0, feeder.Unconsumed);
        Assert.Equal(4096, parser.ChunkSize);
        var m = handler.Messages;
        Assert.Equal(7, m.Count);
        Assert.Equal((3, RtmpMessageType.CommandAmf0, 0u, 0u, 300), (m[0].Csid, m[0].Type, m[0].StreamId, m[0].Timestamp, m[0].Length));
        Assert.Equal(command, m[0].Body);
        Assert.Equal(command[..16], m[0].Prefix);

        Assert.Equal((64, RtmpMessageType.Video, 1u, 40u, 10_000), (m[1].Csid, m[1].Type, m[1].StreamId, m[1].Timestamp, m[1].Length));
        Assert.Empty(m[1].Body);
        Assert.Equal(video[..16], m[1].Prefix);
        Assert.True(VideoFrameKind.IsCodedKeyframe(m[1].Prefix[0], m[1].Prefix[1]));

        Assert.Equal((319, 0x00FFFFFFu, 371), (m[2].Csid, m[2].Timestamp, m[2].Length));
        Assert.Equal((320, 0x12345678u, 371), (m[3].Csid, m[3].Timestamp, m[3].Length));
        Assert.Equal(RtmpMessageType.SetChunkSize, m[4].Type);
        Assert.Equal((65599, RtmpMessageType.DataAmf0, 7u, 5u), (m[5].Csid, m[5].Type, m[5].StreamId, m[5].Timestamp));
        Assert.Equal(bigData, m[5].Body);
        Assert.Equal((RtmpMessageType.UserControl, 0), (m[6].Type, m[6].Length));
        Assert.Equal(10_000 + 371 + 371, handler.MediaPayload);
    }

    [Fact]
    public void Type_1_2_3_headers_inherit_from_the_previous_header_and_add_deltas()
    {
        var stream = new List<byte>();
        stream.AddRange([0x04, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x05, 0x08, 0x01, 0x00, 0x00, 0x00]); // fmt0 csid 4, ts 1000, len 5, audio, msid 1
        stream.AddRange(Pattern(5, 10));
        stream.AddRange([0x44, 0x00, 0x00, 0x14, 0x00, 0x00, 0x06, 0x08]); // fmt1: delta 20, len 6
        stream.AddRange(Pattern(6, 11));
        stream.AddRange([0x84, 0x00, 0x00, 0x1E]); // fmt2: delta 30
        stream.AddRange(Pattern(6, 12));
        stream.Add(0xC4); // fmt3: a new message, same delta
        stream.AddRange(Pattern(6, 13));

        var (handler, _, feeder) = ParseInPieces([.. stream], 3);

        Assert.Equal(0, feeder.Unconsumed);
        Assert.Equal([1000u, 1020u, 1050u, 1080u], handler.Messages.Select(m => m.Timestamp));
        Assert.Equal([5, 6, 6, 6], handler.Messages.Select(m => m.Length));
        Assert.All(handler.Messages, m => Assert.Equal((4, RtmpMessageType.Audio, 1u), (m.Csid, m.Type, m.StreamId)));
        Assert.Equal(23, handler.MediaPayload);
    }

    [Fact]
    public void Extended_timestamp_is_read_on_type_3_continuation_chunks_too()
    {
        // Were the 4 extended-timestamp bytes of the continuation chunks not consumed, the body would be off.
        var body = Pattern(500, 20);
        var output = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(output, 3, RtmpMessageType.CommandAmf0, 0, 0xFFFFFFF0, body, 128);

        var (handler, _, _) = ParseInPieces(output.WrittenSpan.ToArray(), 5);

        var message = Assert.Single(handler.Messages);
        Assert.Equal(0xFFFFFFF0u, message.Timestamp);
        Assert.Equal(body, message.Body);
    }

    [Fact]
    public void An_incomplete_chunk_header_is_left_unconsumed()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(output, 3, RtmpMessageType.CommandAmf0, 0, 0xFFFFFFF0, Pattern(10, 1), 128);
        var bytes = output.WrittenSpan.ToArray();
        var handler = new RecordingHandler();
        var parser = new RtmpChunkParser(handler);
        var feeder = new PipeFeeder();

        feeder.Receive(bytes[..14], (ref SequenceReader<byte> r) => parser.Parse(ref r)); // 12-byte header + 2 of the 4 extended bytes
        Assert.Equal(14, feeder.Unconsumed);

        feeder.Receive(bytes[14..], (ref SequenceReader<byte> r) => parser.Parse(ref r));
        Assert.Equal(0, feeder.Unconsumed);
        Assert.Single(handler.Messages);
    }

    [Fact]
    public void Abort_discards_the_partial_message_of_its_chunk_stream()
    {
        var output = new ArrayBufferWriter<byte>();
        var full = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(full, 3, RtmpMessageType.CommandAmf0, 0, 0, Pattern(300, 1), 128);
        output.Write(full.WrittenSpan[..(12 + 128)]); // first chunk only
        var abort = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(abort, 3);
        RtmpChunkWriter.WriteMessage(output, 2, RtmpMessageType.Abort, 0, 0, abort, 128);
        var fresh = Pattern(50, 2);
        RtmpChunkWriter.WriteMessage(output, 3, RtmpMessageType.CommandAmf0, 0, 0, fresh, 128);

        var (handler, _, _) = ParseInPieces(output.WrittenSpan.ToArray(), 16);

        Assert.Equal([RtmpMessageType.Abort, RtmpMessageType.CommandAmf0], handler.Messages.Select(m => m.Type));
        Assert.Equal(fresh, handler.Messages[1].Body);
    }

    [Fact]
    public void A_type_3_chunk_on_an_unknown_chunk_stream_is_rejected() =>
        Assert.Throws<RtmpChunkFormatException>(() => ParseInPieces([0xC9, 0x00], 100));

    [Fact]
    public void A_new_message_header_inside_an_unfinished_message_is_rejected()
    {
        var output = new ArrayBufferWriter<byte>();
        var full = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(full, 3, RtmpMessageType.CommandAmf0, 0, 0, Pattern(300, 1), 128);
        output.Write(full.WrittenSpan[..(12 + 128)]);
        RtmpChunkWriter.WriteMessage(output, 3, RtmpMessageType.CommandAmf0, 0, 0, Pattern(10, 1), 128);

        Assert.Throws<RtmpChunkFormatException>(() => ParseInPieces(output.WrittenSpan.ToArray(), 1000));
    }

    [Fact]
    public void A_command_larger_than_the_buffer_limit_is_rejected_before_buffering()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(output, 3, RtmpMessageType.CommandAmf0, 0, 0, Pattern(2000, 1), 128);

        Assert.Throws<RtmpChunkFormatException>(() => ParseInPieces(output.WrittenSpan[..20].ToArray(), 1000, maxBuffered: 1000));
    }

    [Fact]
    public void Media_of_any_size_is_counted_not_buffered()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpControl.SetChunkSize(output, 60000);
        var video = new byte[2_000_000];
        RtmpChunkWriter.WriteMessage(output, 6, RtmpMessageType.Video, 1, 0, video, 60000);

        var (handler, _, _) = ParseInPieces(output.WrittenSpan.ToArray(), 65536, maxBuffered: 1000);

        Assert.Equal(2_000_000, handler.MediaPayload);
        Assert.Equal(2_000_000, handler.Messages[1].Length);
    }

    [Fact]
    public void Too_many_chunk_streams_are_rejected()
    {
        var output = new ArrayBufferWriter<byte>();
        for (int csid = 3; csid < 3 + RtmpChunkParser.MaxChunkStreams + 1; csid++)
        {
            RtmpChunkWriter.WriteMessage(output, csid, RtmpMessageType.Audio, 1, 0, [0xAF, 0x01], 128);
        }

        Assert.Throws<RtmpChunkFormatException>(() => ParseInPieces(output.WrittenSpan.ToArray(), 4096));
    }

    [Fact]
    public void Set_chunk_size_zero_is_rejected()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpControl.SetChunkSize(output, 0);

        Assert.Throws<RtmpChunkFormatException>(() => ParseInPieces(output.WrittenSpan.ToArray(), 4096));
    }

    [Fact]
    public void Random_and_mutated_input_throws_only_the_parser_exception_and_allocates_boundedly()
    {
        var random = new Random(12345);
        var valid = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(valid, 3, RtmpMessageType.CommandAmf0, 0, 0, Pattern(300, 1), 128);
        RtmpChunkWriter.WriteMessage(valid, 70, RtmpMessageType.Video, 1, 0xFFFFFF, Pattern(700, 2), 128);
        RtmpControl.SetChunkSize(valid, 200);
        RtmpChunkWriter.WriteMessage(valid, 400, RtmpMessageType.Audio, 1, 20, Pattern(450, 3), 200);
        byte[] seed = valid.WrittenSpan.ToArray();

        for (int i = 0; i < 10_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 600)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])seed.Clone();
                for (int flips = random.Next(1, 8); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            var parser = new RtmpChunkParser(new RecordingHandler(), maxBufferedMessage: 64 * 1024);
            var sequence = SegmentedSequence.Split(input, random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var reader = new SequenceReader<byte>(sequence);
                parser.Parse(ref reader);
            }
            catch (RtmpChunkFormatException)
            {
                // The only failure allowed.
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 512 * 1024, $"input {i} made the parser allocate {allocated} bytes");
        }
    }
}
