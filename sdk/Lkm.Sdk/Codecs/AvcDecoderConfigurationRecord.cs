using System.Buffers.Binary;

namespace Lkm.Sdk.Codecs;

/// <summary>
/// AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3): H.264 parameter sets in the form FLV
/// sequence headers and MP4 'avcC' boxes carry, and the server keeps as the track's codec config.
/// </summary>
public sealed class AvcDecoderConfigurationRecord
{
    /// <summary>A record of the given parameter sets (without start codes or length prefixes); profile and level are read from the first SPS. At least one SPS is required; <paramref name="nalLengthSize"/> is 1, 2 or 4.</summary>
    public AvcDecoderConfigurationRecord(IReadOnlyList<byte[]> sequenceParameterSets, IReadOnlyList<byte[]> pictureParameterSets, int nalLengthSize = 4)
    {
        if (sequenceParameterSets.Count == 0)
        {
            throw new ArgumentException("At least one SPS is required.", nameof(sequenceParameterSets));
        }

        if (nalLengthSize is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(nalLengthSize));
        }

        SequenceParameterSets = sequenceParameterSets;
        PictureParameterSets = pictureParameterSets;
        NalLengthSize = nalLengthSize;
        var sps = sequenceParameterSets[0];
        if (sps.Length < 4)
        {
            throw new CodecFormatException("SPS too short.");
        }

        ProfileIndication = sps[1];
        ProfileCompatibility = sps[2];
        LevelIndication = sps[3];
    }

    /// <summary>AVCProfileIndication (profile_idc of the SPS).</summary>
    public int ProfileIndication { get; private init; }

    /// <summary>profile_compatibility (the constraint flags byte of the SPS).</summary>
    public int ProfileCompatibility { get; private init; }

    /// <summary>AVCLevelIndication (level_idc of the SPS).</summary>
    public int LevelIndication { get; private init; }

    /// <summary>Bytes of each NAL unit length prefix in the samples (lengthSizeMinusOne + 1).</summary>
    public int NalLengthSize { get; }

    /// <summary>The SPS NAL units, each without start code or length prefix.</summary>
    public IReadOnlyList<byte[]> SequenceParameterSets { get; }

    /// <summary>The PPS NAL units, each without start code or length prefix.</summary>
    public IReadOnlyList<byte[]> PictureParameterSets { get; }

    /// <summary>Builds a record from the parameter sets found in an Annex-B or AVCC access unit; null when SPS or PPS is missing.</summary>
    public static AvcDecoderConfigurationRecord? FromAccessUnit(ReadOnlySpan<byte> data, bool annexB, int lengthSize = 4)
    {
        var sps = new List<byte[]>();
        var pps = new List<byte[]>();
        if (annexB)
        {
            foreach (var unit in AnnexB.EnumerateNalUnits(data))
            {
                Collect(unit, sps, pps);
            }
        }
        else
        {
            if (!Avcc.IsValid(data, lengthSize))
            {
                return null;
            }

            foreach (var unit in Avcc.EnumerateNalUnits(data, lengthSize))
            {
                Collect(unit, sps, pps);
            }
        }

        return sps.Count > 0 && pps.Count > 0 && sps[0].Length >= 4 ? new AvcDecoderConfigurationRecord(sps, pps) : null;

        static void Collect(ReadOnlySpan<byte> unit, List<byte[]> sps, List<byte[]> pps)
        {
            if (unit.IsEmpty)
            {
                return;
            }

            switch (H264.NalType(unit[0]))
            {
                case H264.NalSps when sps.Count < 32:
                    sps.Add(unit.ToArray());
                    break;
                case H264.NalPps when pps.Count < 256:
                    pps.Add(unit.ToArray());
                    break;
            }
        }
    }

    /// <summary>Parses <paramref name="data"/>; false (and a null <paramref name="record"/>) when it is malformed or truncated.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AvcDecoderConfigurationRecord? record)
    {
        try
        {
            record = Parse(data);
            return true;
        }
        catch (CodecFormatException)
        {
            record = null;
            return false;
        }
    }

    /// <summary>Parses <paramref name="data"/>; throws <see cref="CodecFormatException"/> when it is malformed or truncated.</summary>
    public static AvcDecoderConfigurationRecord Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 7)
        {
            throw new CodecFormatException("AVC decoder configuration record too short.");
        }

        if (data[0] != 1)
        {
            throw new CodecFormatException($"Unsupported AVC decoder configuration record version {data[0]}.");
        }

        int lengthSize = (data[4] & 0x03) + 1;
        if (lengthSize == 3)
        {
            throw new CodecFormatException("AVC NAL unit length size 3 is not allowed.");
        }

        int offset = 6;
        var sps = ReadParameterSets(data, ref offset, data[5] & 0x1F, H264.NalSps);
        if (offset >= data.Length)
        {
            throw new CodecFormatException("AVC decoder configuration record lacks the PPS count.");
        }

        int ppsCount = data[offset++];
        var pps = ReadParameterSets(data, ref offset, ppsCount, H264.NalPps);
        if (sps.Count == 0)
        {
            throw new CodecFormatException("AVC decoder configuration record has no SPS.");
        }

        return new AvcDecoderConfigurationRecord(sps, pps, lengthSize)
        {
            ProfileIndication = data[1],
            ProfileCompatibility = data[2],
            LevelIndication = data[3],
        };
    }

    /// <summary>Serializes the record; high profiles get the chroma/bit-depth extension that 14496-15 requires.</summary>
    public byte[] ToArray()
    {
        var spsList = SequenceParameterSets.Take(31).ToList();
        var ppsList = PictureParameterSets.Take(255).ToList();
        H264Sps? parsed = null;
        bool extension = H264Sps.IsHighProfile(ProfileIndication) && H264Sps.TryParse(spsList[0], out parsed);
        int size = 7 + spsList.Sum(p => 2 + p.Length) + ppsList.Sum(p => 2 + p.Length) + (extension ? 4 : 0);
        var result = new byte[size];
        result[0] = 1;
        result[1] = (byte)ProfileIndication;
        result[2] = (byte)ProfileCompatibility;
        result[3] = (byte)LevelIndication;
        result[4] = (byte)(0xFC | (NalLengthSize - 1));
        result[5] = (byte)(0xE0 | spsList.Count);
        int offset = 6;
        foreach (var sps in spsList)
        {
            offset = WriteParameterSet(result, offset, sps);
        }

        result[offset++] = (byte)ppsList.Count;
        foreach (var pps in ppsList)
        {
            offset = WriteParameterSet(result, offset, pps);
        }

        if (extension)
        {
            result[offset++] = (byte)(0xFC | parsed!.ChromaFormatIdc);
            result[offset++] = (byte)(0xF8 | (parsed.BitDepthLuma - 8));
            result[offset++] = (byte)(0xF8 | (parsed.BitDepthChroma - 8));
            result[offset] = 0; // numOfSequenceParameterSetExt
        }

        return result;
    }

    /// <summary>Parameter sets as an Annex-B stream (4-byte start codes), e.g. to put before an IDR in MPEG-TS.</summary>
    public byte[] ToAnnexB()
    {
        var all = SequenceParameterSets.Concat(PictureParameterSets).ToList();
        var result = new byte[all.Sum(p => 4 + p.Length)];
        int offset = 0;
        foreach (var unit in all)
        {
            AnnexB.StartCode.CopyTo(result.AsSpan(offset));
            unit.CopyTo(result.AsSpan(offset + 4));
            offset += 4 + unit.Length;
        }

        return result;
    }

    /// <summary>RFC 6381 codec string for HLS/DASH/MSE, e.g. "avc1.64001f".</summary>
    public string CodecString => $"avc1.{ProfileIndication:x2}{ProfileCompatibility:x2}{LevelIndication:x2}";

    /// <summary>The first SPS, parsed.</summary>
    public H264Sps ParseSps() => H264Sps.Parse(SequenceParameterSets[0]);

    private static List<byte[]> ReadParameterSets(ReadOnlySpan<byte> data, ref int offset, int count, int expectedType)
    {
        var sets = new List<byte[]>(Math.Min(count, 32));
        for (int i = 0; i < count; i++)
        {
            var unit = ParameterSetReader.ReadUnit(data, ref offset, "AVC");
            if (!unit.IsEmpty && H264.NalType(unit[0]) == expectedType)
            {
                sets.Add(unit.ToArray());
            }
        }

        return sets;
    }

    private static int WriteParameterSet(byte[] destination, int offset, byte[] unit)
    {
        if (unit.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Parameter set longer than 65535 bytes.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination.AsSpan(offset), (ushort)unit.Length);
        unit.CopyTo(destination, offset + 2);
        return offset + 2 + unit.Length;
    }
}
