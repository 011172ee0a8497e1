using System.Buffers;
using System.Buffers.Binary;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>Writes FLV file headers and tags (each tag followed by its PreviousTagSize) into a buffer writer.</summary>
public static class FlvWriter
{
    /// <summary>9-byte header plus PreviousTagSize0.</summary>
    public const int FileHeaderSize = 13;

    /// <summary>Bytes of a tag header (type, data size, timestamp, stream id).</summary>
    public const int TagHeaderSize = 11;

    /// <summary>The 4-byte PreviousTagSize that follows every tag.</summary>
    public const int PreviousTagSizeLength = 4;

    /// <summary>Largest tag body FLV can describe (24-bit DataSize).</summary>
    public const int MaxBodyLength = 0xFFFFFF;

    /// <summary>Writes the 9-byte FLV header and PreviousTagSize0 (<see cref="FileHeaderSize"/> bytes).</summary>
    public static void WriteFileHeader(IBufferWriter<byte> output, bool hasAudio, bool hasVideo)
    {
        var span = output.GetSpan(FileHeaderSize);
        WriteFileHeader(span, hasAudio, hasVideo);
        output.Advance(FileHeaderSize);
    }

    /// <summary>Writes the 13 header bytes into <paramref name="destination"/>.</summary>
    public static void WriteFileHeader(Span<byte> destination, bool hasAudio, bool hasVideo)
    {
        destination[0] = (byte)'F';
        destination[1] = (byte)'L';
        destination[2] = (byte)'V';
        destination[3] = 1;
        destination[4] = (byte)((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], 9);
        BinaryPrimitives.WriteUInt32BigEndian(destination[9..], 0);
    }

    /// <summary>Writes a whole tag: header, <paramref name="body"/> and PreviousTagSize.</summary>
    public static void WriteTag(IBufferWriter<byte> output, FlvTagType type, long timestampMs, ReadOnlySpan<byte> body)
    {
        int total = TagHeaderSize + body.Length + PreviousTagSizeLength;
        var span = output.GetSpan(total);
        WriteTagHeader(span, type, timestampMs, body.Length);
        body.CopyTo(span[TagHeaderSize..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[(TagHeaderSize + body.Length)..], (uint)(TagHeaderSize + body.Length));
        output.Advance(total);
    }

    /// <summary>Writes a media tag whose body is muxed straight into the output (no intermediate copy).</summary>
    public static void WriteMediaTag(IBufferWriter<byte> output, MediaTrack track, in MediaPacket packet)
    {
        int bodyLength = FlvTagBody.MediaBodyLength(track, packet);
        int total = TagHeaderSize + bodyLength + PreviousTagSizeLength;
        var span = output.GetSpan(total);
        var type = track.MediaType == MediaType.Video ? FlvTagType.Video : FlvTagType.Audio;
        WriteTagHeader(span, type, packet.Dts, bodyLength);
        FlvTagBody.WriteMediaBody(span.Slice(TagHeaderSize, bodyLength), track, packet);
        BinaryPrimitives.WriteUInt32BigEndian(span[(TagHeaderSize + bodyLength)..], (uint)(TagHeaderSize + bodyLength));
        output.Advance(total);
    }

    /// <summary>Writes the 11-byte tag header. Timestamps are 32-bit in FLV: larger values wrap, as RTMP's do.</summary>
    public static void WriteTagHeader(Span<byte> destination, FlvTagType type, long timestampMs, int bodyLength)
    {
        if ((uint)bodyLength > MaxBodyLength)
        {
            throw new ArgumentOutOfRangeException(nameof(bodyLength), "FLV tag bodies are limited to 16 MiB - 1.");
        }

        uint timestamp = (uint)timestampMs;
        destination[0] = (byte)type;
        destination[1] = (byte)(bodyLength >> 16);
        destination[2] = (byte)(bodyLength >> 8);
        destination[3] = (byte)bodyLength;
        destination[4] = (byte)(timestamp >> 16);
        destination[5] = (byte)(timestamp >> 8);
        destination[6] = (byte)timestamp;
        destination[7] = (byte)(timestamp >> 24); // TimestampExtended
        destination[8] = 0; // StreamID
        destination[9] = 0;
        destination[10] = 0;
    }
}
