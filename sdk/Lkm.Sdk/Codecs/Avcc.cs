using System.Buffers.Binary;

namespace Lkm.Sdk.Codecs;

/// <summary>Length-prefixed NAL unit payloads (AVCC/HVCC), the form video travels in inside the server.</summary>
public static class Avcc
{
    /// <summary>The NAL units of <paramref name="data"/> whose length prefixes are <paramref name="lengthSize"/> bytes, without allocating.</summary>
    public static AvccNalUnitEnumerator EnumerateNalUnits(ReadOnlySpan<byte> data, int lengthSize = 4) => new(data, lengthSize);

    /// <summary>True when the length prefixes tile <paramref name="data"/> exactly.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data, int lengthSize = 4)
    {
        while (!data.IsEmpty)
        {
            if (data.Length < lengthSize)
            {
                return false;
            }

            uint length = ReadLength(data, lengthSize);
            if (length > (uint)(data.Length - lengthSize))
            {
                return false;
            }

            data = data[(lengthSize + (int)length)..];
        }

        return true;
    }

    /// <summary>Size after re-prefixing every NAL unit with a 4-byte length; -1 when the framing is broken.</summary>
    public static int LengthWith4ByteLengths(ReadOnlySpan<byte> data, int lengthSize)
    {
        int total = 0;
        while (!data.IsEmpty)
        {
            if (data.Length < lengthSize)
            {
                return -1;
            }

            uint length = ReadLength(data, lengthSize);
            if (length > (uint)(data.Length - lengthSize))
            {
                return -1;
            }

            total += 4 + (int)length;
            data = data[(lengthSize + (int)length)..];
        }

        return total;
    }

    /// <summary>Copies <paramref name="source"/> (lengths of <paramref name="lengthSize"/> bytes) with 4-byte lengths; returns bytes written.</summary>
    public static int ConvertTo4ByteLengths(ReadOnlySpan<byte> source, int lengthSize, Span<byte> destination)
    {
        int written = 0;
        foreach (var unit in EnumerateNalUnits(source, lengthSize))
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[written..], (uint)unit.Length);
            unit.CopyTo(destination[(written + 4)..]);
            written += 4 + unit.Length;
        }

        return written;
    }

    /// <summary>Size of the Annex-B form (4-byte start codes) of an AVCC payload.</summary>
    public static int AnnexBLength(ReadOnlySpan<byte> avcc, int lengthSize = 4)
    {
        int total = 0;
        foreach (var unit in EnumerateNalUnits(avcc, lengthSize))
        {
            total += 4 + unit.Length;
        }

        return total;
    }

    /// <summary>Converts AVCC to Annex-B with 4-byte start codes; returns bytes written.</summary>
    public static int ToAnnexB(ReadOnlySpan<byte> avcc, Span<byte> destination, int lengthSize = 4)
    {
        int written = 0;
        foreach (var unit in EnumerateNalUnits(avcc, lengthSize))
        {
            AnnexB.StartCode.CopyTo(destination[written..]);
            unit.CopyTo(destination[(written + 4)..]);
            written += 4 + unit.Length;
        }

        return written;
    }

    /// <summary>Converts an AVCC access unit to a new Annex-B array (4-byte start codes).</summary>
    public static byte[] ToAnnexB(ReadOnlySpan<byte> avcc, int lengthSize = 4)
    {
        var result = new byte[AnnexBLength(avcc, lengthSize)];
        ToAnnexB(avcc, result, lengthSize);
        return result;
    }

    /// <summary>Appends one NAL unit with a 4-byte length prefix; returns bytes written.</summary>
    public static int WriteNalUnit(ReadOnlySpan<byte> nalUnit, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)nalUnit.Length);
        nalUnit.CopyTo(destination[4..]);
        return 4 + nalUnit.Length;
    }

    internal static uint ReadLength(ReadOnlySpan<byte> data, int lengthSize) => lengthSize switch
    {
        1 => data[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(data),
        3 => (uint)((data[0] << 16) | (data[1] << 8) | data[2]),
        _ => BinaryPrimitives.ReadUInt32BigEndian(data),
    };
}
