using System.Buffers;
using System.Buffers.Binary;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Testing.Rtmp;
using RtmpMessageType = Lkm.Plugins.Rtmp.Protocol.RtmpMessageType;

namespace Lkm.Plugins.Rtmp.Tests.Protocol;

public class RtmpChunkReaderTests
{
    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Reads_a_message_split_into_128_byte_chunks()
    {
        var payload = Payload(1000, 1);
        var data = new RtmpChunkEncoder().EncodeMessage(6, RtmpMessageType.Video, 1234, 1, payload);
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, data);

        var message = Assert.Single(messages);
        Assert.Equal((6, RtmpMessageType.Video, 1234u, 1), (message.Csid, message.Type, message.Timestamp, message.StreamId));
        Assert.Equal(payload, message.Payload);
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void Compressed_headers_fmt_1_2_3_carry_deltas_length_and_type()
    {
        var encoder = new RtmpChunkEncoder();
        var data = new List<byte>();
        var expected = new List<(uint Ts, int Len, RtmpMessageType Type)>
        {
            (0, 300, RtmpMessageType.Audio),    // fmt 0
            (23, 300, RtmpMessageType.Audio),   // fmt 2 (delta 23)
            (46, 300, RtmpMessageType.Audio),   // fmt 3 (same delta)
            (69, 300, RtmpMessageType.Audio),   // fmt 3
            (100, 10, RtmpMessageType.Audio),   // fmt 1 (length changed)
            (131, 10, RtmpMessageType.Video),   // fmt 1 (type changed)
        };
        for (int i = 0; i < expected.Count; i++)
        {
            data.AddRange(encoder.EncodeMessage(4, expected[i].Type, expected[i].Ts, 1, Payload(expected[i].Len, i)));
        }

        using var reader = new RtmpChunkReader();
        var messages = ChunkFeeder.ReadAll(reader, [.. data]);

        Assert.Equal(expected, messages.Select(m => (m.Timestamp, m.Payload.Length, m.Type)).ToList());
        Assert.All(messages, m => Assert.Equal(1, m.StreamId));
        Assert.Equal(Payload(300, 2), messages[2].Payload);
    }

    [Fact]
    public void A_fmt_3_new_message_after_fmt_0_adds_the_fmt_0_timestamp_as_delta()
    {
        // ffmpeg and SRS read it so: after fmt 0 the delta is that header's timestamp field.
        var encoder = new RtmpChunkEncoder();
        var data = encoder.EncodeMessage(4, RtmpMessageType.Audio, 40, 1, Payload(10, 1))
            .Concat(encoder.EncodeMessage(4, RtmpMessageType.Audio, 80, 1, Payload(10, 2)))
            .ToArray();
        Assert.Equal(0xC4, data[1 + 11 + 10]); // the second message really is a 1-byte fmt 3 header

        using var reader = new RtmpChunkReader();
        var messages = ChunkFeeder.ReadAll(reader, data);

        Assert.Equal([40u, 80u], messages.Select(m => m.Timestamp));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(319)]
    [InlineData(320)]
    [InlineData(65599)]
    public void Basic_headers_of_1_2_and_3_bytes_name_every_chunk_stream_id(int csid)
    {
        var encoder = new RtmpChunkEncoder();
        var data = encoder.EncodeMessage(csid, RtmpMessageType.Video, 10, 1, Payload(500, csid))
            .Concat(encoder.EncodeMessage(csid, RtmpMessageType.Video, 20, 1, Payload(500, csid + 1)))
            .ToArray();
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, data);

        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal(csid, m.Csid));
        Assert.Equal(Payload(500, csid + 1), messages[1].Payload);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Extended_timestamps_are_read_on_fmt_0_and_on_continuation_chunks(bool repeatedOnContinuation)
    {
        var encoder = new RtmpChunkEncoder { ExtendedTimestampOnContinuation = repeatedOnContinuation };
        uint timestamp = 0x01234567;
        var first = Payload(700, 1);
        var second = Payload(700, 2);
        var data = encoder.EncodeMessage(6, RtmpMessageType.Video, timestamp, 1, first)
            .Concat(encoder.EncodeMessage(6, RtmpMessageType.Video, timestamp + 40, 1, second))
            .ToArray();
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, data, pieceSize: 7);

        Assert.Equal([timestamp, timestamp + 40], messages.Select(m => m.Timestamp));
        Assert.Equal(first, messages[0].Payload);
        Assert.Equal(second, messages[1].Payload);
    }

    [Fact]
    public void A_fmt_3_new_message_after_an_extended_delta_reads_the_extended_field()
    {
        var encoder = new RtmpChunkEncoder();
        uint start = 100;
        uint delta = 0x01000000;
        var data = new List<byte>();
        data.AddRange(encoder.EncodeMessage(6, RtmpMessageType.Video, start, 1, Payload(20, 1)));
        data.AddRange(encoder.EncodeMessage(6, RtmpMessageType.Video, start + delta, 1, Payload(20, 2)));          // fmt 2, extended delta
        data.AddRange(encoder.EncodeMessage(6, RtmpMessageType.Video, start + (2 * delta), 1, Payload(20, 3)));    // fmt 3, extended delta repeated
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, [.. data]);

        Assert.Equal([start, start + delta, start + (2 * delta)], messages.Select(m => m.Timestamp));
    }

    [Fact]
    public void Timestamps_wrap_at_32_bits()
    {
        var encoder = new RtmpChunkEncoder();
        var timestamps = new uint[] { 0xFFFFFF00, 0xFFFFFF80, 0x00000000, 0x00000080, 0x00000100 };
        var data = timestamps.SelectMany(t => encoder.EncodeMessage(4, RtmpMessageType.Audio, t, 1, Payload(5, (int)t))).ToArray();
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, data);

        Assert.Equal(timestamps, messages.Select(m => m.Timestamp));
    }

    [Fact]
    public void Interleaved_chunks_of_several_streams_reassemble_per_stream()
    {
        var encoder = new RtmpChunkEncoder();
        var video = Payload(5000, 1);
        var audio = Enumerable.Range(0, 5).Select(i => Payload(200, 10 + i)).ToList();
        var videoChunks = encoder.Encode(6, RtmpMessageType.Video, 0, 1, video);
        var audioChunks = audio.Select((a, i) => encoder.Encode(4, RtmpMessageType.Audio, (uint)(i * 23), 1, a)).ToList();

        // One audio message (all its chunks) between every few video chunks.
        var data = new List<byte>();
        int next = 0;
        for (int i = 0; i < videoChunks.Count; i++)
        {
            data.AddRange(videoChunks[i]);
            if (i % 7 == 3 && next < audioChunks.Count)
            {
                audioChunks[next++].ForEach(data.AddRange);
            }
        }

        while (next < audioChunks.Count)
        {
            audioChunks[next++].ForEach(data.AddRange);
        }

        using var reader = new RtmpChunkReader();
        var messages = ChunkFeeder.ReadAll(reader, [.. data], pieceSize: 333, segmentation: new Random(3));

        Assert.Equal(video, Assert.Single(messages, m => m.Type == RtmpMessageType.Video).Payload);
        Assert.Equal(audio, messages.Where(m => m.Type == RtmpMessageType.Audio).Select(m => m.Payload));
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void Byte_by_byte_input_gives_the_same_messages_as_one_buffer()
    {
        var encoder = new RtmpChunkEncoder();
        var data = Enumerable.Range(0, 20)
            .SelectMany(i => encoder.EncodeMessage(3 + (i % 3), (RtmpMessageType)(8 + (i % 2)), (uint)(i * 33), 1, Payload(i * 37, i)))
            .ToArray();

        using var whole = new RtmpChunkReader();
        using var bytewise = new RtmpChunkReader();
        var expected = ChunkFeeder.ReadAll(whole, data);
        var actual = ChunkFeeder.ReadAll(bytewise, data, pieceSize: 1);

        Assert.Equal(20, expected.Count);
        Assert.Equal(expected.Select(m => m.ToString()), actual.Select(m => m.ToString()));
        Assert.Equal(expected.SelectMany(m => m.Payload), actual.SelectMany(m => m.Payload));
    }

    [Fact]
    public void SetChunkSize_applies_to_the_very_next_chunk()
    {
        var encoder = new RtmpChunkEncoder();
        var setChunkSize = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(setChunkSize, 4096);
        var data = new List<byte>(encoder.EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, setChunkSize));
        encoder.ChunkSize = 4096;
        var big = Payload(10000, 5);
        data.AddRange(encoder.EncodeMessage(6, RtmpMessageType.Video, 0, 1, big));
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, [.. data], pieceSize: 1000);

        Assert.Equal(4096, reader.ChunkSize);
        Assert.Equal(big, messages[1].Payload);
    }

    [Fact]
    public void A_chunk_size_as_large_as_the_message_limit_is_accepted_and_costs_no_memory_up_front()
    {
        var encoder = new RtmpChunkEncoder();
        var data = new List<byte>(encoder.EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, [0x00, 0x04, 0x00, 0x00]));
        encoder.ChunkSize = 256 * 1024;
        var big = Payload(200_000, 6);
        data.AddRange(encoder.EncodeMessage(6, RtmpMessageType.Video, 0, 1, big));
        using var reader = new RtmpChunkReader(maxMessageSize: 256 * 1024);

        // Offered in pieces, the chunk is consumed as it arrives: nothing waits in the input buffer.
        var bytes = data.ToArray();
        var firstPieces = new ReadOnlySequence<byte>(bytes, 0, 20 + 1000);
        Assert.True(reader.TryReadMessage(ref firstPieces, out _)); // SetChunkSize
        Assert.False(reader.TryReadMessage(ref firstPieces, out _));
        Assert.True(firstPieces.IsEmpty);
        Assert.True(reader.PendingBytes < 1100);

        using var again = new RtmpChunkReader(maxMessageSize: 256 * 1024);
        var messages = ChunkFeeder.ReadAll(again, bytes, pieceSize: 4096);
        Assert.Equal(256 * 1024, again.ChunkSize);
        Assert.Equal(big, messages[1].Payload);
    }

    [Fact]
    public void A_chunk_size_above_the_message_limit_is_a_protocol_error()
    {
        var data = new RtmpChunkEncoder().EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, [0x7F, 0xFF, 0xFF, 0xFF]);
        using var reader = new RtmpChunkReader(maxMessageSize: 256 * 1024);

        var error = Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, [.. data]));

        Assert.Contains("chunk size 2147483647", error.Message);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    public void Invalid_chunk_sizes_are_protocol_errors(uint size)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, size);
        var data = new RtmpChunkEncoder().EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, payload);
        using var reader = new RtmpChunkReader();

        var error = Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, data));
        Assert.Contains("chunk size", error.Message);
    }

    [Fact]
    public void Abort_drops_the_partial_message_of_its_chunk_stream()
    {
        var encoder = new RtmpChunkEncoder();
        var partial = encoder.Encode(6, RtmpMessageType.Video, 0, 1, Payload(1000, 1));
        var abort = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(abort, 6);
        var data = new List<byte>();
        data.AddRange(partial[0]);
        data.AddRange(partial[1]);
        data.AddRange(encoder.EncodeMessage(2, RtmpMessageType.Abort, 0, 0, abort));
        var after = Payload(50, 2);
        data.AddRange(encoder.EncodeMessage(6, RtmpMessageType.Video, 100, 1, after, forceFmt: 0));
        using var reader = new RtmpChunkReader();

        var messages = ChunkFeeder.ReadAll(reader, [.. data]);

        Assert.Equal([RtmpMessageType.Abort, RtmpMessageType.Video], messages.Select(m => m.Type));
        Assert.Equal(after, messages[1].Payload);
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void A_new_header_in_the_middle_of_a_message_restarts_the_message()
    {
        var encoder = new RtmpChunkEncoder();
        var partial = encoder.Encode(6, RtmpMessageType.Video, 0, 1, Payload(1000, 1));
        var replacement = Payload(60, 2);
        var data = partial[0].Concat(encoder.EncodeMessage(6, RtmpMessageType.Video, 40, 1, replacement, forceFmt: 0)).ToArray();
        using var reader = new RtmpChunkReader();

        var message = Assert.Single(ChunkFeeder.ReadAll(reader, data));

        Assert.Equal(replacement, message.Payload);
        Assert.Equal(40u, message.Timestamp);
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void Zero_length_messages_complete_at_once()
    {
        var encoder = new RtmpChunkEncoder();
        var data = encoder.EncodeMessage(3, RtmpMessageType.CommandAmf0, 0, 0, []);
        using var reader = new RtmpChunkReader();

        var message = Assert.Single(ChunkFeeder.ReadAll(reader, data));
        Assert.Empty(message.Payload);
    }

    [Fact]
    public void A_message_longer_than_the_limit_is_refused_from_its_header()
    {
        // Only the 12-byte header: the declared 16 MB length alone is enough to refuse.
        var header = new byte[] { 0x06, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0 };
        using var reader = new RtmpChunkReader(maxMessageSize: 8 * 1024 * 1024);
        var buffer = new ReadOnlySequence<byte>(header);

        var error = Assert.Throws<RtmpProtocolException>(() => reader.TryReadMessage(ref buffer, out _));
        Assert.Contains("exceeds", error.Message);
    }

    [Fact]
    public void More_chunk_streams_than_the_cap_are_refused()
    {
        var encoder = new RtmpChunkEncoder();
        using var reader = new RtmpChunkReader(maxChunkStreams: 64);
        var data = new List<byte>();
        for (int csid = 100; csid < 164; csid++)
        {
            // A partial message on each: only its first chunk.
            data.AddRange(encoder.Encode(csid, RtmpMessageType.Video, 0, 1, Payload(1000, csid))[0]);
        }

        Assert.Empty(ChunkFeeder.ReadAll(reader, [.. data]));
        Assert.Equal(64, reader.ChunkStreamCount);

        var one = encoder.Encode(164, RtmpMessageType.Video, 0, 1, Payload(10, 1))[0];
        var error = Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, one));
        Assert.Contains("chunk streams", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void A_chunk_stream_cannot_start_without_a_length(int fmt)
    {
        var header = new List<byte>();
        RtmpChunkEncoder.WriteBasicHeader(header, fmt, 7);
        header.AddRange([0, 0, 0, 1, 2, 3]);
        using var reader = new RtmpChunkReader();

        Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, [.. header]));
    }

    [Fact]
    public void Incomplete_headers_consume_nothing()
    {
        var data = new RtmpChunkEncoder().EncodeMessage(65599, RtmpMessageType.Video, 0x01000000, 1, Payload(10, 1));
        using var reader = new RtmpChunkReader();

        // Header = 3 (basic) + 11 + 4 (extended) bytes; every shorter prefix must be left untouched.
        for (int length = 0; length < 18; length++)
        {
            var buffer = new ReadOnlySequence<byte>(data, 0, length);
            Assert.False(reader.TryReadMessage(ref buffer, out _));
            Assert.Equal(length, buffer.Length);
        }

        Assert.Equal(0, reader.ChunkStreamCount);
    }

    [Fact]
    public void Memory_held_for_incomplete_messages_is_capped()
    {
        var encoder = new RtmpChunkEncoder { ChunkSize = 60000 };
        var setChunkSize = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(setChunkSize, 60000);
        var data = new List<byte>(encoder.EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, setChunkSize));
        for (int csid = 10; csid < 20; csid++)
        {
            // First 60000-byte chunk of a 65536-byte message, never finished.
            data.AddRange(encoder.Encode(csid, RtmpMessageType.Video, 0, 1, Payload(65536, csid))[0]);
        }

        using var reader = new RtmpChunkReader(maxMessageSize: 65536);
        var error = Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, [.. data], pieceSize: 5000));
        Assert.Contains("incomplete", error.Message);
        Assert.True(reader.PendingBytes <= (2 * 65536) + 5000);
    }
}
