namespace Lkm.Sdk.Codecs;

/// <summary>
/// The fields of an H.265 sequence parameter set the server needs: general profile/tier/level
/// (for the HEVC decoder record and codec strings), chroma format, bit depths and the displayed size
/// (after the conformance window).
/// </summary>
public sealed record H265Sps
{
    // Largest picture we accept per side; keeps hostile sizes out.
    private const int MaxDimension = 16384;

    /// <summary>sps_max_sub_layers_minus1 + 1.</summary>
    public int MaxSubLayers { get; init; } = 1;

    /// <summary>sps_temporal_id_nesting_flag.</summary>
    public bool TemporalIdNesting { get; init; }

    /// <summary>general_profile_space.</summary>
    public int GeneralProfileSpace { get; init; }

    /// <summary>general_tier_flag (true = high tier).</summary>
    public bool GeneralTierFlag { get; init; }

    /// <summary>general_profile_idc (1 main, 2 main 10, ...).</summary>
    public int GeneralProfileIdc { get; init; }

    /// <summary>general_profile_compatibility_flags, bit 31 first.</summary>
    public uint GeneralProfileCompatibilityFlags { get; init; }

    /// <summary>The 48 general constraint indicator bits (progressive_source_flag first).</summary>
    public ulong GeneralConstraintIndicatorFlags { get; init; }

    /// <summary>general_level_idc (level × 30, e.g. 93 for 3.1).</summary>
    public int GeneralLevelIdc { get; init; }

    /// <summary>sps_seq_parameter_set_id.</summary>
    public int SpsId { get; init; }

    /// <summary>chroma_format_idc (1 = 4:2:0).</summary>
    public int ChromaFormatIdc { get; init; } = 1;

    /// <summary>Bits per luma sample.</summary>
    public int BitDepthLuma { get; init; } = 8;

    /// <summary>Bits per chroma sample.</summary>
    public int BitDepthChroma { get; init; } = 8;

    /// <summary>Displayed width in pixels, after the conformance window.</summary>
    public int Width { get; init; }

    /// <summary>Displayed height in pixels, after the conformance window.</summary>
    public int Height { get; init; }

    /// <summary>Frames per second from the VUI timing info; 0 when the SPS does not say.</summary>
    public double FrameRate { get; init; }

    /// <summary>Parses an SPS NAL unit (with its two-byte NAL header, without start code); false (and a null <paramref name="sps"/>) when it is malformed or out of range.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nalUnit, out H265Sps? sps)
    {
        try
        {
            sps = Parse(nalUnit);
            return true;
        }
        catch (CodecFormatException)
        {
            sps = null;
            return false;
        }
    }

    /// <summary>Parses an SPS NAL unit (with its two-byte NAL header, without start code).</summary>
    public static H265Sps Parse(ReadOnlySpan<byte> nalUnit)
    {
        if (nalUnit.Length < 4 || H265.NalType(nalUnit[0]) != H265.NalSps)
        {
            throw new CodecFormatException("Not an H.265 SPS NAL unit.");
        }

        var reader = new BitReader(nalUnit[2..], removeEmulationPrevention: true);
        reader.Skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = (int)reader.ReadBits(3);
        if (maxSubLayersMinus1 > 6)
        {
            throw new CodecFormatException("sps_max_sub_layers_minus1 out of range.");
        }

        bool temporalIdNesting = reader.ReadFlag();

        // profile_tier_level(1, sps_max_sub_layers_minus1)
        int profileSpace = (int)reader.ReadBits(2);
        bool tier = reader.ReadFlag();
        int profileIdc = (int)reader.ReadBits(5);
        uint compatibility = reader.ReadBits(32);
        ulong constraints = reader.ReadBitsLong(48);
        int levelIdc = (int)reader.ReadBits(8);
        Span<bool> subLayerProfilePresent = stackalloc bool[8];
        Span<bool> subLayerLevelPresent = stackalloc bool[8];
        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            subLayerProfilePresent[i] = reader.ReadFlag();
            subLayerLevelPresent[i] = reader.ReadFlag();
        }

        if (maxSubLayersMinus1 > 0)
        {
            reader.Skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }

        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            if (subLayerProfilePresent[i])
            {
                reader.Skip(88);
            }

            if (subLayerLevelPresent[i])
            {
                reader.Skip(8);
            }
        }

        int spsId = reader.ReadUe(15, "sps_seq_parameter_set_id");
        int chromaFormatIdc = reader.ReadUe(3, "chroma_format_idc");
        bool separateColourPlane = false;
        if (chromaFormatIdc == 3)
        {
            separateColourPlane = reader.ReadFlag();
        }

        int width = reader.ReadUe(MaxDimension, "pic_width_in_luma_samples");
        int height = reader.ReadUe(MaxDimension, "pic_height_in_luma_samples");
        if (width == 0 || height == 0)
        {
            throw new CodecFormatException("SPS picture size is zero.");
        }

        if (reader.ReadFlag())
        {
            // Offsets are in chroma sample units (7.4.3.2.1).
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int subWidthC = chromaArrayType is 1 or 2 ? 2 : 1;
            int subHeightC = chromaArrayType == 1 ? 2 : 1;
            long left = reader.ReadUe(), right = reader.ReadUe(), top = reader.ReadUe(), bottom = reader.ReadUe();
            long cropX = (left + right) * subWidthC;
            long cropY = (top + bottom) * subHeightC;
            if (cropX >= width || cropY >= height)
            {
                throw new CodecFormatException("SPS conformance window exceeds the picture size.");
            }

            width -= (int)cropX;
            height -= (int)cropY;
        }

        int bitDepthLuma = 8 + reader.ReadUe(8, "bit_depth_luma_minus8");
        int bitDepthChroma = 8 + reader.ReadUe(8, "bit_depth_chroma_minus8");

        var sps = new H265Sps
        {
            MaxSubLayers = maxSubLayersMinus1 + 1,
            TemporalIdNesting = temporalIdNesting,
            GeneralProfileSpace = profileSpace,
            GeneralTierFlag = tier,
            GeneralProfileIdc = profileIdc,
            GeneralProfileCompatibilityFlags = compatibility,
            GeneralConstraintIndicatorFlags = constraints,
            GeneralLevelIdc = levelIdc,
            SpsId = spsId,
            ChromaFormatIdc = chromaFormatIdc,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            Width = width,
            Height = height,
        };

        // Everything after this point only serves the frame rate; damage there keeps what we have.
        try
        {
            return sps with { FrameRate = ReadFrameRate(ref reader, maxSubLayersMinus1) };
        }
        catch (CodecFormatException)
        {
            return sps;
        }
    }

    private static double ReadFrameRate(ref BitReader reader, int maxSubLayersMinus1)
    {
        int log2MaxPocLsb = 4 + reader.ReadUe(12, "log2_max_pic_order_cnt_lsb_minus4");
        bool subLayerOrderingInfo = reader.ReadFlag();
        for (int i = subLayerOrderingInfo ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++)
        {
            reader.ReadUe(); // sps_max_dec_pic_buffering_minus1
            reader.ReadUe(); // sps_max_num_reorder_pics
            reader.ReadUe(); // sps_max_latency_increase_plus1
        }

        reader.ReadUe(); // log2_min_luma_coding_block_size_minus3
        reader.ReadUe(); // log2_diff_max_min_luma_coding_block_size
        reader.ReadUe(); // log2_min_luma_transform_block_size_minus2
        reader.ReadUe(); // log2_diff_max_min_luma_transform_block_size
        reader.ReadUe(); // max_transform_hierarchy_depth_inter
        reader.ReadUe(); // max_transform_hierarchy_depth_intra
        if (reader.ReadFlag() && reader.ReadFlag())
        {
            SkipScalingListData(ref reader);
        }

        reader.Skip(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
        if (reader.ReadFlag())
        {
            reader.Skip(8); // pcm_sample_bit_depth_luma/chroma_minus1
            reader.ReadUe();
            reader.ReadUe();
            reader.Skip(1); // pcm_loop_filter_disabled_flag
        }

        int shortTermSets = reader.ReadUe(64, "num_short_term_ref_pic_sets");
        Span<int> deltaPocCounts = stackalloc int[64];
        for (int i = 0; i < shortTermSets; i++)
        {
            deltaPocCounts[i] = ReadShortTermRefPicSet(ref reader, i, deltaPocCounts);
        }

        if (reader.ReadFlag())
        {
            int longTerm = reader.ReadUe(32, "num_long_term_ref_pics_sps");
            for (int i = 0; i < longTerm; i++)
            {
                reader.Skip(log2MaxPocLsb + 1); // lt_ref_pic_poc_lsb_sps, used_by_curr_pic_lt_sps_flag
            }
        }

        reader.Skip(2); // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
        if (!reader.ReadFlag())
        {
            return 0;
        }

        // vui_parameters()
        if (reader.ReadFlag() && reader.ReadBits(8) == 255)
        {
            reader.Skip(32);
        }

        if (reader.ReadFlag())
        {
            reader.Skip(1);
        }

        if (reader.ReadFlag())
        {
            reader.Skip(4);
            if (reader.ReadFlag())
            {
                reader.Skip(24);
            }
        }

        if (reader.ReadFlag())
        {
            reader.ReadUe();
            reader.ReadUe();
        }

        reader.Skip(3); // neutral_chroma_indication, field_seq, frame_field_info_present
        if (reader.ReadFlag())
        {
            reader.ReadUe();
            reader.ReadUe();
            reader.ReadUe();
            reader.ReadUe();
        }

        if (!reader.ReadFlag())
        {
            return 0;
        }

        uint numUnitsInTick = reader.ReadBits(32);
        uint timeScale = reader.ReadBits(32);
        return H264Sps.FrameRateOf(timeScale, numUnitsInTick);
    }

    private static void SkipScalingListData(ref BitReader reader)
    {
        for (int sizeId = 0; sizeId < 4; sizeId++)
        {
            for (int matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                if (!reader.ReadFlag())
                {
                    reader.ReadUe(); // scaling_list_pred_matrix_id_delta
                    continue;
                }

                int coefficients = Math.Min(64, 1 << (4 + (sizeId << 1)));
                if (sizeId > 1)
                {
                    reader.ReadSe(); // scaling_list_dc_coef_minus8
                }

                for (int i = 0; i < coefficients; i++)
                {
                    reader.ReadSe();
                }
            }
        }
    }

    // st_ref_pic_set(idx) as it appears in the SPS (7.3.7); returns NumDeltaPocs[idx].
    private static int ReadShortTermRefPicSet(ref BitReader reader, int index, scoped ReadOnlySpan<int> deltaPocCounts)
    {
        if (index != 0 && reader.ReadFlag())
        {
            reader.Skip(1); // delta_rps_sign
            reader.ReadUe(); // abs_delta_rps_minus1
            int count = 0;
            for (int j = 0; j <= deltaPocCounts[index - 1]; j++)
            {
                bool usedByCurrent = reader.ReadFlag();
                bool useDelta = usedByCurrent || reader.ReadFlag();
                if (useDelta)
                {
                    count++;
                }
            }

            return count;
        }

        int negative = reader.ReadUe(16, "num_negative_pics");
        int positive = reader.ReadUe(16, "num_positive_pics");
        for (int i = 0; i < negative + positive; i++)
        {
            reader.ReadUe(); // delta_poc_sX_minus1
            reader.Skip(1); // used_by_curr_pic_sX_flag
        }

        return negative + positive;
    }
}
