using System.Buffers.Binary;

namespace Lkm.Sdk.Codecs;

/// <summary>Annex-B (start-code delimited) H.264/H.265 byte streams, as carried in MPEG-PS/TS, JT1078 and RTSP.</summary>
public static class AnnexB
{
    /// <summary>The 4-byte start code 00 00 00 01 written in front of each NAL unit.</summary>
    public static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];

    /// <summary>The NAL units of <paramref name="data"/>, without start codes, without allocating.</summary>
    public static AnnexBNalUnitEnumerator EnumerateNalUnits(ReadOnlySpan<byte> data) => new(data);

    /// <summary>Index of the next 00 00 01 start code (including a leading zero of a 4-byte one), or -1.</summary>
    public static int FindStartCode(ReadOnlySpan<byte> data, out int startCodeLength)
    {
        int index = data.IndexOf([(byte)0, (byte)0, (byte)1]);
        if (index < 0)
        {
            startCodeLength = 0;
            return -1;
        }

        if (index > 0 && data[index - 1] == 0)
        {
            startCodeLength = 4;
            return index - 1;
        }

        startCodeLength = 3;
        return index;
    }

    /// <summary>Size of <paramref name="annexB"/> once converted to AVCC with 4-byte lengths.</summary>
    public static int AvccLength(ReadOnlySpan<byte> annexB)
    {
        int length = 0;
        foreach (var unit in EnumerateNalUnits(annexB))
        {
            length += 4 + unit.Length;
        }

        return length;
    }

    /// <summary>Converts an Annex-B access unit to AVCC (4-byte big-endian lengths); returns the bytes written.</summary>
    public static int ToAvcc(ReadOnlySpan<byte> annexB, Span<byte> destination)
    {
        int written = 0;
        foreach (var unit in EnumerateNalUnits(annexB))
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[written..], (uint)unit.Length);
            unit.CopyTo(destination[(written + 4)..]);
            written += 4 + unit.Length;
        }

        return written;
    }

    /// <summary>Converts an Annex-B access unit to a new AVCC array (4-byte big-endian lengths).</summary>
    public static byte[] ToAvcc(ReadOnlySpan<byte> annexB)
    {
        var result = new byte[AvccLength(annexB)];
        ToAvcc(annexB, result);
        return result;
    }
}
