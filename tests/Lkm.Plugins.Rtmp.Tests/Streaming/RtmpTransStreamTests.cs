using System.Buffers;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Plugins.Rtmp.Streaming;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Tests.Streaming;

public class RtmpTransStreamTests
{
    private const int ChunkSize = 60000;

    private static readonly MediaTrack s_video = new()
    {
        Codec = CodecId.H264, Index = 0, Width = 640, Height = 360,
        CodecConfig = new byte[] { 1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 4, 0x67, 0x42, 0xC0, 0x1E, 1, 0, 2, 0x68, 0xCE },
    };

    private static readonly MediaTrack s_audio = new() { Codec = CodecId.Aac, Index = 1, SampleRate = 44100, Channels = 2, CodecConfig = new byte[] { 0x12, 0x10 } };

    private static RtmpTransStream Create(int mergeWriteMs, params MediaTrack[] tracks) =>
        (RtmpTransStream)new RtmpTransStreamFactory(ChunkSize).Create(new TransStreamContext
        {
            StreamId = "live/test",
            Tracks = tracks,
            Metadata = new StreamMetadata([new("encoder", "test")]),
            MergeWriteMs = mergeWriteMs,
        });

    /// <summary>Reads segments as a player that got SetChunkSize 60000 after connect.</summary>
    private static List<ReadMessage> Read(params Segment[] segments)
    {
        using var reader = new RtmpChunkReader(16 * 1024 * 1024 - 1);
        var setChunkSize = new ArrayBufferWriter<byte>();
        RtmpControlMessages.WriteSetChunkSize(setChunkSize, ChunkSize, 128);
        byte[] bytes = [.. setChunkSize.WrittenSpan, .. segments.SelectMany(s => s.Memory.ToArray())];
        return [.. ChunkFeeder.ReadAll(reader, bytes).Skip(1)];
    }

    private static MediaPacket Packet(int track, long dts, bool key, int length, long? pts = null)
    {
        var buffer = PooledBuffer.Rent(length);
        new Random((int)dts).NextBytes(buffer.Span);
        return new MediaPacket(track, dts, pts ?? dts, key, buffer);
    }

    private static List<Segment> WriteAll(RtmpTransStream stream, IEnumerable<MediaPacket> packets)
    {
        var completed = new List<Segment>();
        foreach (var packet in packets)
        {
            stream.Write(packet, completed);
            packet.Release();
        }

        if (stream.Flush() is { } last)
        {
            completed.Add(last);
        }

        return completed;
    }

    [Fact]
    public void The_header_is_onMetaData_then_the_sequence_headers_on_stream_1()
    {
        using var stream = Create(350, s_video, s_audio);

        var messages = Read(stream.Header);

        Assert.Equal([RtmpMessageType.DataAmf0, RtmpMessageType.Video, RtmpMessageType.Audio], messages.Select(m => m.Type));
        Assert.All(messages, m => Assert.Equal((1, 0u), (m.StreamId, m.Timestamp)));
        var metadata = Amf0.DecodeAll(messages[0].Payload);
        Assert.Equal("onMetaData", metadata[0]);
        var properties = (Amf0Object)metadata[1]!;
        Assert.Equal(("test", 640.0, 360.0, 7.0, 10.0), (properties["encoder"], properties["width"], properties["height"], properties["videocodecid"], properties["audiocodecid"]));
        Assert.Equal([0x17, 0, 0, 0, 0, .. s_video.CodecConfig.ToArray()], messages[1].Payload);
        Assert.Equal(new byte[] { 0xAF, 0, 0x12, 0x10 }, messages[2].Payload);
        Assert.False(stream.Header.IsMedia);
    }

    [Fact]
    public void Frames_become_fmt_0_messages_with_their_flv_body_and_absolute_timestamp()
    {
        using var stream = Create(0, s_video, s_audio);
        var key = Packet(0, 40, true, 150_000, pts: 80);
        var keyBytes = key.Data.ToArray();

        var segments = WriteAll(stream, [key, Packet(1, 46, true, 300)]);
        var messages = Read([.. segments]);

        Assert.Equal(2, segments.Count);
        Assert.True(segments[0].StartsWithKeyFrame);
        Assert.Equal((RtmpMessageType.Video, 40u, RtmpChunkWriter.VideoChunkStream), (messages[0].Type, messages[0].Timestamp, messages[0].Csid));
        Assert.Equal([0x17, 1, 0, 0, 40, .. keyBytes], messages[0].Payload);
        Assert.Equal((RtmpMessageType.Audio, 46u, RtmpChunkWriter.AudioChunkStream), (messages[1].Type, messages[1].Timestamp, messages[1].Csid));
        Assert.Equal([0xAF, 1], messages[1].Payload[..2]);

        // 150005 bytes in 60000-byte chunks: a 12-byte header and two 1-byte continuation headers.
        Assert.Equal(12 + 150_005 + 2, segments[0].Length);
        segments.ForEach(s => s.Release());
    }

    [Fact]
    public void Merge_write_groups_frames_and_a_keyframe_starts_a_new_segment_any_player_can_start_with()
    {
        using var stream = Create(350, s_video, s_audio);
        var packets = new List<MediaPacket>();
        for (int i = 0; i < 50; i++)
        {
            packets.Add(Packet(0, i * 40, i % 25 == 0, 2000));
            packets.Add(Packet(1, (i * 40) + 3, true, 200));
        }

        var segments = WriteAll(stream, packets);

        Assert.True(segments.Count is > 4 and < 20, $"{segments.Count} segments");
        Assert.Equal(2, segments.Count(s => s.StartsWithKeyFrame));
        Assert.All(segments, s => Assert.True(s.IsMedia));

        // Self-contained: each segment read by a fresh reader (a player joining there) gives exactly
        // the messages it holds in one continuous read, with the same timestamps.
        var all = Read([.. segments]);
        var separately = segments.SelectMany(s => Read(s)).ToList();
        Assert.Equal(100, all.Count);
        Assert.Equal(all.Select(m => m.ToString()), separately.Select(m => m.ToString()));
        Assert.Equal(all.SelectMany(m => m.Payload), separately.SelectMany(m => m.Payload));
        Assert.Equal(segments.Select(s => (uint)s.StartDts), segments.Select(s => Read(s)[0].Timestamp));
        segments.ForEach(s => s.Release());
    }

    [Fact]
    public void Timestamps_past_24_bits_use_extended_timestamps_on_every_chunk()
    {
        using var stream = Create(0, s_video);
        long dts = 0x1_2345_6789; // past 32 bits too: the wire carries it modulo 2^32

        var segments = WriteAll(stream, [Packet(0, dts, true, 130_000)]);
        var bytes = segments[0].Memory.ToArray();
        var message = Assert.Single(Read([.. segments]));

        Assert.Equal(0x2345_6789u, message.Timestamp);
        Assert.Equal(12 + 4 + 130_005 + (2 * 5), bytes.Length);
        Assert.Equal(new byte[] { 0xC6, 0x23, 0x45, 0x67, 0x89 }, bytes[(16 + 60000)..(16 + 60000 + 5)]);
        segments.ForEach(s => s.Release());
    }

    [Fact]
    public void New_codec_config_goes_in_band_and_rebuilds_the_header()
    {
        using var stream = Create(350, s_video, s_audio);
        var completed = new List<Segment>();
        stream.Write(Packet(0, 0, true, 100), completed);
        var oldHeader = stream.Header;
        oldHeader.Retain(); // as a player queue would
        var newAudio = s_audio with { CodecConfig = new byte[] { 0x11, 0x90 }, SampleRate = 48000 };

        stream.OnTracksChanged([s_video, newAudio], StreamMetadata.Empty, completed);
        var flushed = Assert.Single(completed);
        completed.Clear();
        var segments = WriteAll(stream, [Packet(0, 40, false, 100)]);

        Assert.Equal(2, stream.HeaderVersion);
        Assert.Equal(new byte[] { 0xAF, 0, 0x11, 0x90 }, Read(stream.Header)[2].Payload);
        var live = Read([.. segments]);

        // Only the changed track's sequence header, in front of the next frame, at the stream's time.
        Assert.Equal([(RtmpMessageType.Audio, 0u), (RtmpMessageType.Video, 40u)], live.Select(m => (m.Type, m.Timestamp)));
        Assert.Equal(new byte[] { 0xAF, 0, 0x11, 0x90 }, live[0].Payload);
        Assert.Equal(1, oldHeader.RefCount);
        oldHeader.Release();
        flushed.Release();
        segments.ForEach(s => s.Release());
    }

    [Fact]
    public void Tracks_flv_cannot_carry_are_left_out()
    {
        var opus = new MediaTrack { Codec = CodecId.Opus, Index = 1, SampleRate = 48000, Channels = 2 };
        using var stream = Create(0, s_video, opus);

        var segments = WriteAll(stream, [Packet(0, 0, true, 10), Packet(1, 5, true, 10)]);

        Assert.Equal(2, Read(stream.Header).Count);
        Assert.Equal([RtmpMessageType.Video], Read([.. segments]).Select(m => m.Type));
        segments.ForEach(s => s.Release());
    }
}
