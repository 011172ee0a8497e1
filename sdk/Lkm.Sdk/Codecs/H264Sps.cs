namespace Lkm.Sdk.Codecs;

/// <summary>
/// The fields of an H.264 sequence parameter set the server needs: profile/level for codec strings,
/// chroma format and bit depth for the decoder record, and the displayed size (after frame cropping).
/// </summary>
public sealed record H264Sps
{
    // Largest picture we accept: 1024 macroblocks (16384 px) per side; keeps hostile sizes out.
    private const int MaxMacroblocks = 1024;

    /// <summary>profile_idc (66 baseline, 77 main, 100 high, ...).</summary>
    public int ProfileIdc { get; init; }

    /// <summary>The six constraint_set flags and reserved bits, as the byte after profile_idc.</summary>
    public int ConstraintFlags { get; init; }

    /// <summary>level_idc (level × 10, e.g. 31 for 3.1).</summary>
    public int LevelIdc { get; init; }

    /// <summary>seq_parameter_set_id.</summary>
    public int SpsId { get; init; }

    /// <summary>chroma_format_idc (1 = 4:2:0, the default for profiles without it).</summary>
    public int ChromaFormatIdc { get; init; } = 1;

    /// <summary>Bits per luma sample.</summary>
    public int BitDepthLuma { get; init; } = 8;

    /// <summary>Bits per chroma sample.</summary>
    public int BitDepthChroma { get; init; } = 8;

    /// <summary>Displayed width in pixels, after cropping.</summary>
    public int Width { get; init; }

    /// <summary>Displayed height in pixels, after cropping.</summary>
    public int Height { get; init; }

    /// <summary>frame_mbs_only_flag: false when the stream may be interlaced.</summary>
    public bool FrameMbsOnly { get; init; }

    /// <summary>Frames per second from the VUI timing info; 0 when the SPS does not say.</summary>
    public double FrameRate { get; init; }

    /// <summary>Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices.</summary>
    public static bool IsHighProfile(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    /// <summary>Parses an SPS NAL unit (with its one-byte NAL header, without start code); false (and a null <paramref name="sps"/>) when it is malformed or out of range.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nalUnit, out H264Sps? sps)
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

    /// <summary>Parses an SPS NAL unit (with its one-byte NAL header, without start code).</summary>
    public static H264Sps Parse(ReadOnlySpan<byte> nalUnit)
    {
        if (nalUnit.Length < 4 || H264.NalType(nalUnit[0]) != H264.NalSps)
        {
            throw new CodecFormatException("Not an H.264 SPS NAL unit.");
        }

        var reader = new BitReader(nalUnit[1..], removeEmulationPrevention: true);
        int profileIdc = (int)reader.ReadBits(8);
        int constraintFlags = (int)reader.ReadBits(8);
        int levelIdc = (int)reader.ReadBits(8);
        int spsId = reader.ReadUe(31, "seq_parameter_set_id");

        int chromaFormatIdc = 1;
        bool separateColourPlane = false;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        if (IsHighProfile(profileIdc))
        {
            chromaFormatIdc = reader.ReadUe(3, "chroma_format_idc");
            if (chromaFormatIdc == 3)
            {
                separateColourPlane = reader.ReadFlag();
            }

            bitDepthLuma = 8 + reader.ReadUe(6, "bit_depth_luma_minus8");
            bitDepthChroma = 8 + reader.ReadUe(6, "bit_depth_chroma_minus8");
            reader.Skip(1); // qpprime_y_zero_transform_bypass_flag
            if (reader.ReadFlag())
            {
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++)
                {
                    if (reader.ReadFlag())
                    {
                        SkipScalingList(ref reader, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        reader.ReadUe(12, "log2_max_frame_num_minus4");
        int pocType = reader.ReadUe(2, "pic_order_cnt_type");
        if (pocType == 0)
        {
            reader.ReadUe(12, "log2_max_pic_order_cnt_lsb_minus4");
        }
        else if (pocType == 1)
        {
            reader.Skip(1); // delta_pic_order_always_zero_flag
            reader.ReadSe(); // offset_for_non_ref_pic
            reader.ReadSe(); // offset_for_top_to_bottom_field
            int cycle = reader.ReadUe(255, "num_ref_frames_in_pic_order_cnt_cycle");
            for (int i = 0; i < cycle; i++)
            {
                reader.ReadSe();
            }
        }

        reader.ReadUe(); // max_num_ref_frames
        reader.Skip(1); // gaps_in_frame_num_value_allowed_flag
        int widthInMbs = reader.ReadUe(MaxMacroblocks - 1, "pic_width_in_mbs_minus1") + 1;
        int heightInMapUnits = reader.ReadUe(MaxMacroblocks - 1, "pic_height_in_map_units_minus1") + 1;
        bool frameMbsOnly = reader.ReadFlag();
        if (!frameMbsOnly)
        {
            reader.Skip(1); // mb_adaptive_frame_field_flag
        }

        reader.Skip(1); // direct_8x8_inference_flag
        int width = widthInMbs * 16;
        int height = (2 - (frameMbsOnly ? 1 : 0)) * heightInMapUnits * 16;
        if (reader.ReadFlag())
        {
            // Crop units depend on the chroma subsampling (7.4.2.1.1).
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int subWidthC = chromaFormatIdc is 1 or 2 ? 2 : 1;
            int subHeightC = chromaFormatIdc == 1 ? 2 : 1;
            int cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
            int cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (2 - (frameMbsOnly ? 1 : 0));
            long left = reader.ReadUe(), right = reader.ReadUe(), top = reader.ReadUe(), bottom = reader.ReadUe();
            long cropX = (left + right) * cropUnitX;
            long cropY = (top + bottom) * cropUnitY;
            if (cropX >= width || cropY >= height)
            {
                throw new CodecFormatException("SPS frame cropping exceeds the picture size.");
            }

            width -= (int)cropX;
            height -= (int)cropY;
        }

        double frameRate = 0;
        if (reader.ReadFlag())
        {
            frameRate = ReadVuiFrameRate(ref reader);
        }

        return new H264Sps
        {
            ProfileIdc = profileIdc,
            ConstraintFlags = constraintFlags,
            LevelIdc = levelIdc,
            SpsId = spsId,
            ChromaFormatIdc = chromaFormatIdc,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            Width = width,
            Height = height,
            FrameMbsOnly = frameMbsOnly,
            FrameRate = frameRate,
        };
    }

    private static void SkipScalingList(ref BitReader reader, int size)
    {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++)
        {
            if (next != 0)
            {
                int delta = reader.ReadSe();
                next = (int)(((long)last + delta + 256) % 256 + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }

    // A truncated or odd VUI must not cost us the picture size: any error here just means "frame rate unknown".
    private static double ReadVuiFrameRate(ref BitReader reader)
    {
        try
        {
            if (reader.ReadFlag())
            {
                if (reader.ReadBits(8) == 255)
                {
                    reader.Skip(32); // sar_width, sar_height
                }
            }

            if (reader.ReadFlag())
            {
                reader.Skip(1); // overscan_appropriate_flag
            }

            if (reader.ReadFlag())
            {
                reader.Skip(4); // video_format, video_full_range_flag
                if (reader.ReadFlag())
                {
                    reader.Skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
                }
            }

            if (reader.ReadFlag())
            {
                reader.ReadUe();
                reader.ReadUe();
            }

            if (reader.ReadFlag())
            {
                uint numUnitsInTick = reader.ReadBits(32);
                uint timeScale = reader.ReadBits(32);
                return FrameRateOf(timeScale, 2.0 * numUnitsInTick);
            }
        }
        catch (CodecFormatException)
        {
        }

        return 0;
    }

    internal static double FrameRateOf(uint timeScale, double ticksPerFrame)
    {
        if (timeScale == 0 || ticksPerFrame <= 0)
        {
            return 0;
        }

        double rate = timeScale / ticksPerFrame;
        return rate is > 0 and <= 1000 ? Math.Round(rate, 3) : 0;
    }
}
