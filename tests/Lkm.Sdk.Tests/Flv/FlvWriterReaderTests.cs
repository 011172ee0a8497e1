using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Tests.Amf;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Flv;

public class FlvWriterReaderTests
{
    private static readonly MediaTrack Video = new() { Codec = CodecId.H264, Width = 640, Height = 360, CodecConfig = new byte[] { 1, 0x64, 0, 0x1E, 0xFF, 0xE0, 0 } };
    private static readonly MediaTrack Audio = new() { Codec = CodecId.Aac, SampleRate = 44100, Channels = 2, CodecConfig = new byte[] { 0x12, 0x10 } };

    [Fact]
    public void File_header_has_the_spec_layout()
    {
        var buffer = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(buffer, hasAudio: true, hasVideo: true);
        Assert.Equal(new byte[] { (byte)'F', (byte)'L', (byte)'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0 }, buffer.WrittenSpan.ToArray());
        Assert.Equal(FlvWriter.FileHeaderSize, buffer.WrittenCount);
    }

    [Fact]
    public void Tag_header_carries_size_and_32_bit_timestamp()
    {
        var buffer = new ArrayBufferWriter<byte>();
        FlvWriter.WriteTag(buffer, FlvTagType.Video, 0x12345678, [0xAA, 0xBB]);
        Assert.Equal(new byte[] { 9, 0, 0, 2, 0x34, 0x56, 0x78, 0x12, 0, 0, 0, 0xAA, 0xBB, 0, 0, 0, 13 }, buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Written_file_reads_back_with_consistent_previous_tag_sizes()
    {
        var (bytes, expected) = WriteSampleFile();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(FlvReader.TryReadFileHeader(ref reader, out var header));
        Assert.True(header.HasAudio);
        Assert.True(header.HasVideo);
        AssertTags(ref reader, expected);
        Assert.True(reader.End);
    }

    [Fact]
    public void Reader_is_incremental_and_consumes_nothing_until_a_unit_is_complete()
    {
        var (bytes, expected) = WriteSampleFile();
        var read = new List<(FlvTagType, long, byte[], uint)>();
        int consumed = 0;
        bool headerDone = false;

        // Feed one more byte at a time, as a pipe would, in 3-byte segments.
        for (int available = 0; available <= bytes.Length; available++)
        {
            var sequence = SegmentedSequence.OfFixedSize(bytes[consumed..available], 3);
            var reader = new SequenceReader<byte>(sequence);
            if (!headerDone)
            {
                if (!FlvReader.TryReadFileHeader(ref reader, out _))
                {
                    Assert.Equal(0, reader.Consumed);
                    continue;
                }

                headerDone = true;
            }

            while (FlvReader.TryReadTag(ref reader, out var tag))
            {
                read.Add((tag.Type, tag.Timestamp, tag.Body.ToArray(), tag.PreviousTagSize));
            }

            consumed += (int)reader.Consumed;
        }

        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(expected.Count, read.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Type, read[i].Item1);
            Assert.Equal(expected[i].Timestamp, read[i].Item2);
            Assert.Equal(expected[i].Body, read[i].Item3);
            Assert.Equal((uint)(FlvWriter.TagHeaderSize + expected[i].Body.Length), read[i].Item4);
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'F', (byte)'X' })]
    [InlineData(new byte[] { (byte)'G' })]
    [InlineData(new byte[] { (byte)'F', (byte)'L', (byte)'V', 1, 5, 0, 0, 0, 3, 0, 0, 0, 0 })] // DataOffset < 9
    [InlineData(new byte[] { (byte)'F', (byte)'L', (byte)'V', 1, 5, 0, 1, 0, 0, 0, 0, 0, 0 })] // DataOffset huge
    public void Not_flv_is_reported_early(byte[] bytes)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        try
        {
            FlvReader.TryReadFileHeader(ref reader, out _);
            Assert.Fail("expected FlvFormatException");
        }
        catch (FlvFormatException)
        {
        }
    }

    [Fact]
    public void Header_with_extra_bytes_before_the_first_tag_is_skipped()
    {
        byte[] bytes = [(byte)'F', (byte)'L', (byte)'V', 1, 1, 0, 0, 0, 12, 0xEE, 0xEE, 0xEE, 0, 0, 0, 0, 18, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0, 12];
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(FlvReader.TryReadFileHeader(ref reader, out var header));
        Assert.False(header.HasAudio);
        Assert.True(FlvReader.TryReadTag(ref reader, out var tag));
        Assert.Equal(FlvTagType.Script, tag.Type);
        Assert.Equal(12u, tag.PreviousTagSize);
    }

    [Theory]
    [InlineData(0x07)] // unknown type
    [InlineData(0x29)] // encrypted (filter bit) video
    public void Bad_tag_types_throw(byte type)
    {
        byte[] bytes = [type, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0, 12];
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        try
        {
            FlvReader.TryReadTag(ref reader, out _);
            Assert.Fail("expected FlvFormatException");
        }
        catch (FlvFormatException)
        {
        }
    }

    private static void AssertTags(ref SequenceReader<byte> reader, List<(FlvTagType Type, long Timestamp, byte[] Body)> expected)
    {
        foreach (var (type, timestamp, body) in expected)
        {
            Assert.True(FlvReader.TryReadTag(ref reader, out var tag));
            Assert.Equal(type, tag.Type);
            Assert.Equal(timestamp, tag.Timestamp);
            Assert.Equal(body, tag.Body.ToArray());
            Assert.Equal((uint)(FlvWriter.TagHeaderSize + body.Length), tag.PreviousTagSize);
        }

        Assert.False(FlvReader.TryReadTag(ref reader, out _));
    }

    private static (byte[] Bytes, List<(FlvTagType Type, long Timestamp, byte[] Body)> Tags) WriteSampleFile()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var tags = new List<(FlvTagType, long, byte[])>();
        FlvWriter.WriteFileHeader(buffer, hasAudio: true, hasVideo: true);

        var metadata = FlvTagBody.Metadata([Video, Audio], StreamMetadata.Empty);
        FlvWriter.WriteTag(buffer, FlvTagType.Script, 0, metadata);
        tags.Add((FlvTagType.Script, 0, metadata));

        foreach (var track in new[] { Video, Audio })
        {
            var header = FlvTagBody.SequenceHeader(track);
            FlvWriter.WriteTag(buffer, track.MediaType == MediaType.Video ? FlvTagType.Video : FlvTagType.Audio, 0, header);
            tags.Add((track.MediaType == MediaType.Video ? FlvTagType.Video : FlvTagType.Audio, 0, header));
        }

        // Timestamps crossing the 24-bit boundary (extended byte) and the 32-bit wrap.
        long[] times = [0, 40, 0xFFFFFF, 0x1000000, 0xFFFFFFFF, 0x100000000 + 40];
        var random = new Random(1);
        foreach (long time in times)
        {
            var payload = new byte[random.Next(1, 3000)];
            random.NextBytes(payload);
            var pooled = PooledBuffer.CopyOf(payload);
            var packet = new MediaPacket(0, time, time + 80, isKeyFrame: time == 0, pooled);
            FlvWriter.WriteMediaTag(buffer, Video, packet);
            var body = new byte[FlvTagBody.MediaBodyLength(Video, packet)];
            FlvTagBody.WriteMediaBody(body, Video, packet);
            tags.Add((FlvTagType.Video, (uint)time, body));

            var audioPacket = new MediaPacket(1, time, time, true, pooled);
            FlvWriter.WriteMediaTag(buffer, Audio, audioPacket);
            tags.Add((FlvTagType.Audio, (uint)time, [0xAF, 1, .. payload]));
            pooled.Release();
        }

        return (buffer.WrittenSpan.ToArray(), tags);
    }
}
