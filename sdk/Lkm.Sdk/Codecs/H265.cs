namespace Lkm.Sdk.Codecs;

/// <summary>H.265 NAL unit types and keyframe (IRAP) detection.</summary>
public static class H265
{
    public const byte NalBlaWLp = 16;
    public const byte NalIdrWRadl = 19;
    public const byte NalIdrNLp = 20;
    public const byte NalCra = 21;
    public const byte NalIrapMax = 23;
    public const byte NalVps = 32;
    public const byte NalSps = 33;
    public const byte NalPps = 34;
    public const byte NalAud = 35;
    public const byte NalEndOfSequence = 36;
    public const byte NalPrefixSei = 39;
    public const byte NalSuffixSei = 40;

    /// <summary>nal_unit_type of a NAL unit whose first header byte is <paramref name="header"/>.</summary>
    public static int NalType(byte header) => (header >> 1) & 0x3F;

    /// <summary>Intra random access point pictures (BLA, IDR, CRA): where a decoder can start.</summary>
    public static bool IsIrap(int nalType) => nalType is >= NalBlaWLp and <= NalIrapMax;

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
