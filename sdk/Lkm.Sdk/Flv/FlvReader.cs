using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Sdk.Flv;

/// <summary>
/// Incremental FLV demuxer over a <see cref="SequenceReader{T}"/> (e.g. a pipe's buffer): each call
/// either consumes one complete unit or returns false and consumes nothing.
/// </summary>
public static class FlvReader
{
    /// <summary>Largest tag body accepted (16 MiB, the 24-bit DataSize limit).</summary>
    public const int MaxTagBodyLength = FlvWriter.MaxBodyLength;

    // FLV headers are 9 bytes; anything bigger than this DataOffset is not a real file.
    private const int MaxDataOffset = 9 + 1024;

    /// <summary>Consumes the FLV header and PreviousTagSize0; false = need more data; <see cref="FlvFormatException"/> = not FLV.</summary>
    public static bool TryReadFileHeader(ref SequenceReader<byte> reader, out FlvFileHeader header)
    {
        header = default;
        Span<byte> bytes = stackalloc byte[9];
        int available = (int)Math.Min(reader.Remaining, 9);
        reader.TryCopyTo(bytes[..available]);

        // Reject a wrong signature as soon as the bytes that show it are there.
        ReadOnlySpan<byte> signature = "FLV"u8;
        for (int i = 0; i < Math.Min(available, 3); i++)
        {
            if (bytes[i] != signature[i])
            {
                throw new FlvFormatException("Not an FLV stream: bad signature.");
            }
        }

        if (available < 9)
        {
            return false;
        }

        uint dataOffset = BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]);
        if (dataOffset < 9 || dataOffset > MaxDataOffset)
        {
            throw new FlvFormatException($"FLV header DataOffset {dataOffset} is invalid.");
        }

        if (reader.Remaining < dataOffset + 4)
        {
            return false;
        }

        header = new FlvFileHeader(HasAudio: (bytes[4] & 0x04) != 0, HasVideo: (bytes[4] & 0x01) != 0);
        reader.Advance(dataOffset + 4);
        return true;
    }

    /// <summary>Consumes one tag and its trailing PreviousTagSize; false = need more data; <see cref="FlvFormatException"/> on a broken stream.</summary>
    public static bool TryReadTag(ref SequenceReader<byte> reader, out FlvTag tag)
    {
        tag = default;
        Span<byte> header = stackalloc byte[FlvWriter.TagHeaderSize];
        if (!reader.TryCopyTo(header))
        {
            return false;
        }

        if ((header[0] & 0x20) != 0)
        {
            throw new FlvFormatException("Encrypted FLV tags are not supported.");
        }

        var type = (FlvTagType)(header[0] & 0x1F);
        if (type is not (FlvTagType.Audio or FlvTagType.Video or FlvTagType.Script))
        {
            throw new FlvFormatException($"Unknown FLV tag type {header[0]}.");
        }

        int bodyLength = (header[1] << 16) | (header[2] << 8) | header[3];
        if (bodyLength > MaxTagBodyLength)
        {
            throw new FlvFormatException($"FLV tag of {bodyLength} bytes is too large.");
        }

        long timestamp = (uint)((header[7] << 24) | (header[4] << 16) | (header[5] << 8) | header[6]);
        if (reader.Remaining < FlvWriter.TagHeaderSize + bodyLength + FlvWriter.PreviousTagSizeLength)
        {
            return false;
        }

        reader.Advance(FlvWriter.TagHeaderSize);
        var body = reader.UnreadSequence.Slice(0, bodyLength);
        reader.Advance(bodyLength);
        reader.TryReadBigEndian(out int previousTagSize);
        tag = new FlvTag(type, timestamp, body, (uint)previousTagSize);
        return true;
    }
}
