using System.Buffers.Binary;

namespace Lkm.Sdk.Codecs;

/// <summary>Reads the 16-bit length-prefixed NAL units that AVC and HEVC decoder configuration records list.</summary>
internal static class ParameterSetReader
{
    /// <summary>Reads one unit at <paramref name="offset"/> and moves past it; <paramref name="record"/> names the record in errors.</summary>
    public static ReadOnlySpan<byte> ReadUnit(ReadOnlySpan<byte> data, ref int offset, string record)
    {
        if (offset + 2 > data.Length)
        {
            throw new CodecFormatException($"Truncated NAL unit length in {record} decoder configuration record.");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        offset += 2;
        if (offset + length > data.Length)
        {
            throw new CodecFormatException($"NAL unit runs past the end of the {record} decoder configuration record.");
        }

        var unit = data.Slice(offset, length);
        offset += length;
        return unit;
    }
}
