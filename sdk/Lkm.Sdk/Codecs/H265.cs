namespace Lkm.Sdk.Codecs;

/// <summary>H.265 NAL unit types and keyframe (IRAP) detection.</summary>
public static class H265
{
    /// <summary>nal_unit_type BLA_W_LP, the first IRAP type.</summary>
    public const byte NalBlaWLp = 16;
    /// <summary>nal_unit_type IDR_W_RADL.</summary>
    public const byte NalIdrWRadl = 19;
    /// <summary>nal_unit_type IDR_N_LP.</summary>
    public const byte NalIdrNLp = 20;
    /// <summary>nal_unit_type CRA_NUT.</summary>
    public const byte NalCra = 21;
    /// <summary>Last nal_unit_type of the IRAP range (RSV_IRAP_VCL23).</summary>
    public const byte NalIrapMax = 23;
    /// <summary>nal_unit_type of a video parameter set.</summary>
    public const byte NalVps = 32;
    /// <summary>nal_unit_type of a sequence parameter set.</summary>
    public const byte NalSps = 33;
    /// <summary>nal_unit_type of a picture parameter set.</summary>
    public const byte NalPps = 34;
    /// <summary>nal_unit_type of an access unit delimiter.</summary>
    public const byte NalAud = 35;
    /// <summary>nal_unit_type of an end of sequence.</summary>
    public const byte NalEndOfSequence = 36;
    /// <summary>nal_unit_type of a prefix SEI.</summary>
    public const byte NalPrefixSei = 39;
    /// <summary>nal_unit_type of a suffix SEI.</summary>
    public const byte NalSuffixSei = 40;

    /// <summary>nal_unit_type of a NAL unit whose first header byte is <paramref name="header"/>.</summary>
    public static int NalType(byte header) => (header >> 1) & 0x3F;

    /// <summary>Intra random access point pictures (BLA, IDR, CRA): where a decoder can start.</summary>
    public static bool IsIrap(int nalType) => nalType is >= NalBlaWLp and <= NalIrapMax;

    /// <summary>True when the AVCC access unit <paramref name="avcc"/> holds an IRAP picture; false for malformed data.</summary>
    public static bool IsKeyFrameAvcc(ReadOnlySpan<byte> avcc, int lengthSize = 4)
    {
        if (!Avcc.IsValid(avcc, lengthSize))
        {
            return false;
        }

        foreach (var unit in Avcc.EnumerateNalUnits(avcc, lengthSize))
        {
            if (!unit.IsEmpty && IsIrap(NalType(unit[0])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the Annex-B access unit <paramref name="annexB"/> holds an IRAP picture.</summary>
    public static bool IsKeyFrameAnnexB(ReadOnlySpan<byte> annexB)
    {
        foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
        {
            if (IsIrap(NalType(unit[0])))
            {
                return true;
            }
        }

        return false;
    }
}
