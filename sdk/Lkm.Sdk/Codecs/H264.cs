namespace Lkm.Sdk.Codecs;

/// <summary>H.264 NAL unit types and keyframe detection.</summary>
public static class H264
{
    /// <summary>nal_unit_type of a non-IDR slice.</summary>
    public const byte NalSlice = 1;
    /// <summary>nal_unit_type of an IDR slice (a keyframe).</summary>
    public const byte NalIdr = 5;
    /// <summary>nal_unit_type of supplemental enhancement information.</summary>
    public const byte NalSei = 6;
    /// <summary>nal_unit_type of a sequence parameter set.</summary>
    public const byte NalSps = 7;
    /// <summary>nal_unit_type of a picture parameter set.</summary>
    public const byte NalPps = 8;
    /// <summary>nal_unit_type of an access unit delimiter.</summary>
    public const byte NalAud = 9;
    /// <summary>nal_unit_type of an end of sequence.</summary>
    public const byte NalEndOfSequence = 10;

    /// <summary>nal_unit_type of a NAL unit whose first byte is <paramref name="header"/>.</summary>
    public static int NalType(byte header) => header & 0x1F;

    /// <summary>True when an AVCC access unit holds an IDR slice.</summary>
    public static bool IsKeyFrameAvcc(ReadOnlySpan<byte> avcc, int lengthSize = 4)
    {
        if (!Avcc.IsValid(avcc, lengthSize))
        {
            return false;
        }

        foreach (var unit in Avcc.EnumerateNalUnits(avcc, lengthSize))
        {
            if (!unit.IsEmpty && NalType(unit[0]) == NalIdr)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when an Annex-B access unit holds an IDR slice.</summary>
    public static bool IsKeyFrameAnnexB(ReadOnlySpan<byte> annexB)
    {
        foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
        {
            if (NalType(unit[0]) == NalIdr)
            {
                return true;
            }
        }

        return false;
    }
}
