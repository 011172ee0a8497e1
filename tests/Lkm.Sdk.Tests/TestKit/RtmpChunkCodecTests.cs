using Lkm.Sdk.Testing.Rtmp;

namespace Lkm.Sdk.Tests.TestKit;

/// <summary>The test kit's RTMP chunk encoder and decoder agree on every header form, fed in any piece size.</summary>
public sealed class RtmpChunkCodecTests
{
    private static (int Csid, RtmpMessageType Type, uint Timestamp, int StreamId, byte[] Payload) Message(Random random, int csid, uint timestamp, int length) =>
        (csid, random.Next(2) == 0 ? RtmpMessageType.Video : RtmpMessageType.Audio, timestamp, 1, Bytes(random, length));

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(7, true)]
    [InlineData(4096, true)]
    [InlineData(1, false)]
    [InlineData(333, false)]
    public void Decoder_reassembles_what_the_encoder_chunked(int pieceSize, bool extendedTimestampOnContinuation)
    {
        var random = new Random(pieceSize);
        var encoder = new RtmpChunkEncoder { ExtendedTimestampOnContinuation = extendedTimestampOnContinuation };
        var sent = new List<(int Csid, RtmpMessageType Type, uint Timestamp, int StreamId, byte[] Payload)>();
        var wire = new List<byte>();
        void Send((int Csid, RtmpMessageType Type, uint Timestamp, int StreamId, byte[] Payload) m)
        {
            sent.Add(m);
            wire.AddRange(encoder.EncodeMessage(m.Csid, m.Type, m.Timestamp, m.StreamId, m.Payload));
        }

        Send(Message(random, 6, 0, 300)); // fmt 0, three chunks of 128
        Send(Message(random, 6, 40, 300)); // fmt 1 or 2
        Send((6, sent[^1].Type, 80, 1, Bytes(random, 300))); // same type, length and delta: fmt 3
        Send(Message(random, 100, 0x01000000, 500)); // 2-byte csid, extended timestamp over continuation chunks
        Send(Message(random, 100, 0x01000010, 500)); // a small delta after an extended timestamp
        Send(Message(random, 65599, 5, 10)); // 3-byte csid (the largest)
        Send((2, RtmpMessageType.SetChunkSize, 0, 0, [0, 0, 0x10, 0])); // from here on chunks of 4096
        encoder.ChunkSize = 4096;
        Send(Message(random, 6, 120, 10_000));
        Send((3, RtmpMessageType.CommandAmf0, 0, 0, [])); // an empty message

        var decoder = new RtmpChunkDecoder();
        var received = new List<RtmpMessage>();
        var bytes = wire.ToArray();
        for (int offset = 0; offset < bytes.Length; offset += pieceSize)
        {
            decoder.Append(bytes.AsSpan(offset, Math.Min(pieceSize, bytes.Length - offset)));
            while (decoder.TryRead(out var message))
            {
                received.Add(message);
            }
        }

        Assert.Equal(0, decoder.PendingBytes);
        Assert.Equal(4096, decoder.ChunkSize);
        Assert.Equal(sent.Count, received.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal((sent[i].Csid, sent[i].Type, sent[i].Timestamp, sent[i].StreamId), (received[i].Csid, received[i].Type, received[i].Timestamp, received[i].StreamId));
            Assert.Equal(sent[i].Payload, received[i].Payload);
        }
    }

    [Fact]
    public void Interleaved_chunks_of_two_chunk_streams_come_out_as_two_whole_messages()
    {
        var encoder = new RtmpChunkEncoder();
        var video = encoder.Encode(6, RtmpMessageType.Video, 0, 1, new byte[200]);
        var audio = encoder.Encode(4, RtmpMessageType.Audio, 0, 1, Enumerable.Repeat((byte)7, 200).ToArray());
        var decoder = new RtmpChunkDecoder();
        foreach (var chunk in new[] { video[0], audio[0], video[1], audio[1] })
        {
            decoder.Append(chunk);
        }

        Assert.True(decoder.TryRead(out var first));
        Assert.True(decoder.TryRead(out var second));
        Assert.False(decoder.TryRead(out _));
        Assert.Equal((RtmpMessageType.Video, 200), (first.Type, first.Payload.Length));
        Assert.Equal((RtmpMessageType.Audio, 200), (second.Type, second.Payload.Length));
        Assert.All(second.Payload, b => Assert.Equal(7, b));
    }

    [Fact]
    public void A_continuation_of_an_unknown_chunk_stream_is_invalid_data()
    {
        var decoder = new RtmpChunkDecoder();
        decoder.Append([0xC5, 1, 2, 3]); // fmt 3 on csid 5, never introduced
        Assert.Throws<InvalidDataException>(() => decoder.TryRead(out _));
    }

    [Fact]
    public void Encoder_accepts_a_plugins_own_enum_of_type_ids()
    {
        var ours = new RtmpChunkEncoder().EncodeMessage(3, RtmpMessageType.CommandAmf0, 0, 0, [1, 2, 3]);
        var theirs = new RtmpChunkEncoder().EncodeMessage(3, OtherTypeIds.Command, 0, 0, [1, 2, 3]);
        Assert.Equal(ours, theirs);
    }

    private enum OtherTypeIds : byte
    {
        Command = 20,
    }
}
