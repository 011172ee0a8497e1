using System.Buffers.Binary;

namespace Lkm.Sdk.Codecs;

/// <summary>
/// HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3): H.265 parameter sets in the form
/// Enhanced-RTMP sequence starts and MP4 'hvcC' boxes carry, and the server keeps as the track's codec config.
/// </summary>
public sealed class HevcDecoderConfigurationRecord
{
    private const int HeaderSize = 23;

    private HevcDecoderConfigurationRecord(IReadOnlyList<byte[]> vps, IReadOnlyList<byte[]> sps, IReadOnlyList<byte[]> pps, IReadOnlyList<byte[]> sei, int nalLengthSize)
    {
        VideoParameterSets = vps;
        SequenceParameterSets = sps;
        PictureParameterSets = pps;
        SeiNalUnits = sei;
        NalLengthSize = nalLengthSize;
    }

    /// <summary>general_profile_space.</summary>
    public int GeneralProfileSpace { get; private init; }

    /// <summary>general_tier_flag (true = high tier).</summary>
    public bool GeneralTierFlag { get; private init; }

    /// <summary>general_profile_idc.</summary>
    public int GeneralProfileIdc { get; private init; }

    /// <summary>general_profile_compatibility_flags, bit 31 first.</summary>
    public uint GeneralProfileCompatibilityFlags { get; private init; }

    /// <summary>general_constraint_indicator_flags (48 bits).</summary>
    public ulong GeneralConstraintIndicatorFlags { get; private init; }

    /// <summary>general_level_idc (level × 30).</summary>
    public int GeneralLevelIdc { get; private init; }

    /// <summary>chromaFormat (1 = 4:2:0).</summary>
    public int ChromaFormatIdc { get; private init; } = 1;

    /// <summary>Bits per luma sample.</summary>
    public int BitDepthLuma { get; private init; } = 8;

    /// <summary>Bits per chroma sample.</summary>
    public int BitDepthChroma { get; private init; } = 8;

    /// <summary>numTemporalLayers.</summary>
    public int NumTemporalLayers { get; private init; } = 1;

    /// <summary>temporalIdNested.</summary>
    public bool TemporalIdNested { get; private init; }

    /// <summary>Bytes of each NAL unit length prefix in the samples (lengthSizeMinusOne + 1).</summary>
    public int NalLengthSize { get; }

    /// <summary>The VPS NAL units, each without start code or length prefix.</summary>
    public IReadOnlyList<byte[]> VideoParameterSets { get; }

    /// <summary>The SPS NAL units, each without start code or length prefix.</summary>
    public IReadOnlyList<byte[]> SequenceParameterSets { get; }

    /// <summary>The PPS NAL units, each without start code or length prefix.</summary>
    public IReadOnlyList<byte[]> PictureParameterSets { get; }

    /// <summary>Prefix/suffix SEI NAL units carried in the record (e.g. HDR info); usually empty.</summary>
    public IReadOnlyList<byte[]> SeiNalUnits { get; }

    /// <summary>Builds a record from VPS/SPS/PPS NAL units; profile, level and format come from the first SPS.</summary>
    public static HevcDecoderConfigurationRecord Create(IReadOnlyList<byte[]> vps, IReadOnlyList<byte[]> sps, IReadOnlyList<byte[]> pps)
    {
        if (vps.Count == 0 || sps.Count == 0 || pps.Count == 0)
        {
            throw new ArgumentException("VPS, SPS and PPS are all required.");
        }

        var parsed = H265Sps.Parse(sps[0]);
        return new HevcDecoderConfigurationRecord(vps, sps, pps, [], 4)
        {
            GeneralProfileSpace = parsed.GeneralProfileSpace,
            GeneralTierFlag = parsed.GeneralTierFlag,
            GeneralProfileIdc = parsed.GeneralProfileIdc,
            GeneralProfileCompatibilityFlags = parsed.GeneralProfileCompatibilityFlags,
            GeneralConstraintIndicatorFlags = parsed.GeneralConstraintIndicatorFlags,
            GeneralLevelIdc = parsed.GeneralLevelIdc,
            ChromaFormatIdc = parsed.ChromaFormatIdc,
            BitDepthLuma = parsed.BitDepthLuma,
            BitDepthChroma = parsed.BitDepthChroma,
            NumTemporalLayers = parsed.MaxSubLayers,
            TemporalIdNested = parsed.TemporalIdNesting,
        };
    }

    /// <summary>Builds a record from the parameter sets in an Annex-B or AVCC access unit; null when VPS, SPS or PPS is missing or the SPS is unreadable.</summary>
    public static HevcDecoderConfigurationRecord? FromAccessUnit(ReadOnlySpan<byte> data, bool annexB, int lengthSize = 4)
    {
        List<byte[]> vps = [], sps = [], pps = [];
        if (annexB)
        {
            foreach (var unit in AnnexB.EnumerateNalUnits(data))
            {
                Collect(unit, vps, sps, pps);
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
                Collect(unit, vps, sps, pps);
            }
        }

        if (vps.Count == 0 || sps.Count == 0 || pps.Count == 0 || !H265Sps.TryParse(sps[0], out _))
        {
            return null;
        }

        return Create(vps, sps, pps);

        static void Collect(ReadOnlySpan<byte> unit, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps)
        {
            if (unit.Length < 2)
            {
                return;
            }

            var list = H265.NalType(unit[0]) switch
            {
                H265.NalVps => vps,
                H265.NalSps => sps,
                H265.NalPps => pps,
                _ => null,
            };
            if (list is { Count: < 64 })
            {
                list.Add(unit.ToArray());
            }
        }
    }

    /// <summary>Parses <paramref name="data"/>; false (and a null <paramref name="record"/>) when it is malformed or truncated.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out HevcDecoderConfigurationRecord? record)
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
    public static HevcDecoderConfigurationRecord Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize)
        {
            throw new CodecFormatException("HEVC decoder configuration record too short.");
        }

        if (data[0] != 1)
        {
            throw new CodecFormatException($"Unsupported HEVC decoder configuration record version {data[0]}.");
        }

        int lengthSize = (data[21] & 0x03) + 1;
        if (lengthSize == 3)
        {
            throw new CodecFormatException("HEVC NAL unit length size 3 is not allowed.");
        }

        List<byte[]> vps = [], sps = [], pps = [], sei = [];
        int arrays = data[22];
        int offset = HeaderSize;
        for (int i = 0; i < arrays; i++)
        {
            if (offset + 3 > data.Length)
            {
                throw new CodecFormatException("Truncated NAL unit array in HEVC decoder configuration record.");
            }

            int type = data[offset] & 0x3F;
            int count = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 1)..]);
            offset += 3;
            for (int j = 0; j < count; j++)
            {
                var unit = ParameterSetReader.ReadUnit(data, ref offset, "HEVC");
                var list = type switch
                {
                    H265.NalVps => vps,
                    H265.NalSps => sps,
                    H265.NalPps => pps,
                    H265.NalPrefixSei or H265.NalSuffixSei => sei,
                    _ => null,
                };
                if (list is not null && unit.Length >= 2)
                {
                    list.Add(unit.ToArray());
                }
            }
        }

        if (sps.Count == 0)
        {
            throw new CodecFormatException("HEVC decoder configuration record has no SPS.");
        }

        return new HevcDecoderConfigurationRecord(vps, sps, pps, sei, lengthSize)
        {
            GeneralProfileSpace = data[1] >> 6,
            GeneralTierFlag = (data[1] & 0x20) != 0,
            GeneralProfileIdc = data[1] & 0x1F,
            GeneralProfileCompatibilityFlags = BinaryPrimitives.ReadUInt32BigEndian(data[2..]),
            GeneralConstraintIndicatorFlags = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(data[6..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            GeneralLevelIdc = data[12],
            ChromaFormatIdc = data[16] & 0x03,
            BitDepthLuma = (data[17] & 0x07) + 8,
            BitDepthChroma = (data[18] & 0x07) + 8,
            NumTemporalLayers = (data[21] >> 3) & 0x07,
            TemporalIdNested = (data[21] & 0x04) != 0,
        };
    }

    /// <summary>The record in its wire form (what the track's codec config and an 'hvcC' box hold).</summary>
    public byte[] ToArray()
    {
        var arrays = new List<(int Type, IReadOnlyList<byte[]> Units)>();
        foreach (var (type, units) in new[] { (H265.NalVps, VideoParameterSets), (H265.NalSps, SequenceParameterSets), (H265.NalPps, PictureParameterSets) })
        {
            if (units.Count > 0)
            {
                arrays.Add((type, units));
            }
        }

        var prefixSei = SeiNalUnits.Where(u => H265.NalType(u[0]) == H265.NalPrefixSei).ToList();
        if (prefixSei.Count > 0)
        {
            arrays.Add((H265.NalPrefixSei, prefixSei));
        }

        int size = HeaderSize + arrays.Sum(a => 3 + a.Units.Sum(u => 2 + u.Length));
        var result = new byte[size];
        result[0] = 1;
        result[1] = (byte)((GeneralProfileSpace << 6) | (GeneralTierFlag ? 0x20 : 0) | (GeneralProfileIdc & 0x1F));
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(2), GeneralProfileCompatibilityFlags);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(6), (ushort)(GeneralConstraintIndicatorFlags >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8), (uint)GeneralConstraintIndicatorFlags);
        result[12] = (byte)GeneralLevelIdc;
        result[13] = 0xF0; // reserved + min_spatial_segmentation_idc = 0
        result[14] = 0x00;
        result[15] = 0xFC; // reserved + parallelismType = 0 (unknown)
        result[16] = (byte)(0xFC | ChromaFormatIdc);
        result[17] = (byte)(0xF8 | (BitDepthLuma - 8));
        result[18] = (byte)(0xF8 | (BitDepthChroma - 8));
        result[19] = 0; // avgFrameRate = 0 (unspecified)
        result[20] = 0;
        result[21] = (byte)(((NumTemporalLayers & 0x07) << 3) | (TemporalIdNested ? 0x04 : 0) | (NalLengthSize - 1));
        result[22] = (byte)arrays.Count;
        int offset = HeaderSize;
        foreach (var (type, units) in arrays)
        {
            result[offset] = (byte)(0x80 | type); // array_completeness = 1: all parameter sets are in the record
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(offset + 1), (ushort)units.Count);
            offset += 3;
            foreach (var unit in units)
            {
                if (unit.Length > ushort.MaxValue)
                {
                    throw new ArgumentException("NAL unit longer than 65535 bytes.");
                }

                BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(offset), (ushort)unit.Length);
                unit.CopyTo(result, offset + 2);
                offset += 2 + unit.Length;
            }
        }

        return result;
    }

    /// <summary>VPS, SPS and PPS as an Annex-B stream (4-byte start codes).</summary>
    public byte[] ToAnnexB()
    {
        var all = VideoParameterSets.Concat(SequenceParameterSets).Concat(PictureParameterSets).ToList();
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

    /// <summary>RFC 6381 / ISO 14496-15 Annex E codec string for HLS/DASH/MSE, e.g. "hvc1.1.6.L120.90".</summary>
    public string CodecString
    {
        get
        {
            string space = GeneralProfileSpace == 0 ? string.Empty : ((char)('A' + GeneralProfileSpace - 1)).ToString();
            uint reversed = 0;
            for (int i = 0; i < 32; i++)
            {
                reversed |= ((GeneralProfileCompatibilityFlags >> i) & 1) << (31 - i);
            }

            var text = new System.Text.StringBuilder($"hvc1.{space}{GeneralProfileIdc}.{reversed:X}.{(GeneralTierFlag ? 'H' : 'L')}{GeneralLevelIdc}");
            Span<byte> constraints = stackalloc byte[6];
            int last = -1;
            for (int i = 0; i < 6; i++)
            {
                constraints[i] = (byte)(GeneralConstraintIndicatorFlags >> (40 - (8 * i)));
                if (constraints[i] != 0)
                {
                    last = i;
                }
            }

            for (int i = 0; i <= last; i++)
            {
                text.Append('.').Append(constraints[i].ToString("X", System.Globalization.CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }
    }

    /// <summary>The first SPS, parsed.</summary>
    public H265Sps ParseSps() => H265Sps.Parse(SequenceParameterSets[0]);
}
