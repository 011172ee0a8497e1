using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class H264SpsTests
{
    public static TheoryData<string> Vectors() => [.. TestVectors.AllH264.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Parses_real_x264_sps(string name)
    {
        var vector = TestVectors.AllH264.Single(v => v.Name == name);
        var sps = H264Sps.Parse(Hex.Bytes(vector.Sps));
        Assert.Equal(vector.Width, sps.Width);
        Assert.Equal(vector.Height, sps.Height);
        Assert.Equal(vector.Profile, sps.ProfileIdc);
        Assert.Equal(vector.ChromaFormat, sps.ChromaFormatIdc);
        Assert.Equal(vector.FrameRate, sps.FrameRate);
    }

    [Fact]
    public void Interlaced_sps_counts_field_pairs()
    {
        var sps = H264Sps.Parse(Hex.Bytes(TestVectors.H264_Interlaced.Sps));
        Assert.False(sps.FrameMbsOnly);
        Assert.Equal(576, sps.Height);
    }

    [Fact]
    public void High_profile_sps_with_scaling_lists_cropping_and_emulation_prevention()
    {
        // High 4:2:2 10-bit, explicit scaling lists with non-trivial deltas, 1918x1078 via cropping, 50 fps timing.
        var w = new BitWriter()
            .Bits(122, 8).Bits(0, 8).Bits(41, 8).Ue(0)
            .Ue(2) // chroma_format_idc 4:2:2
            .Ue(2).Ue(2) // bit depths 10/10
            .Flag(false)
            .Flag(true); // seq_scaling_matrix_present_flag
        for (int i = 0; i < 8; i++)
        {
            w.Flag(true);
            int size = i < 6 ? 16 : 64;
            for (int j = 0; j < size; j++)
            {
                w.Se(j % 5 == 0 ? -3 : 2);
            }
        }

        w.Ue(0) // log2_max_frame_num_minus4
            .Ue(1).Flag(false).Se(-2).Se(1).Ue(3).Se(4).Se(-5).Se(0) // poc type 1 with a cycle
            .Ue(4).Flag(false)
            .Ue(119).Ue(67) // 120 x 68 macroblocks = 1920 x 1088
            .Flag(true) // frame_mbs_only
            .Flag(true) // direct_8x8
            .Flag(true).Ue(0).Ue(1).Ue(0).Ue(10) // crop: right 1*2 px, bottom 10*1 px (4:2:2: SubHeightC = 1)
            .Flag(true) // vui
            .Flag(true).Bits(255, 8).Bits(4, 16).Bits(3, 16) // aspect ratio, extended SAR
            .Flag(false).Flag(false).Flag(false)
            .Flag(true).Bits(1, 32).Bits(100, 32).Flag(true)
            .Trailing();
        byte[] nal = [0x67, .. BitWriter.AddEmulationPrevention(w.ToBytes())];

        var sps = H264Sps.Parse(nal);
        Assert.Equal(122, sps.ProfileIdc);
        Assert.Equal(2, sps.ChromaFormatIdc);
        Assert.Equal(10, sps.BitDepthLuma);
        Assert.Equal(1918, sps.Width);
        Assert.Equal(1078, sps.Height);
        Assert.Equal(50, sps.FrameRate);
    }

    [Fact]
    public void Cropping_larger_than_the_picture_is_rejected()
    {
        var w = new BitWriter().Bits(66, 8).Bits(0, 8).Bits(30, 8).Ue(0)
            .Ue(0).Ue(0).Ue(0).Ue(0).Flag(false)
            .Ue(0).Ue(0) // 16x16
            .Flag(true).Flag(true)
            .Flag(true).Ue(8).Ue(0).Ue(0).Ue(0) // 16 px crop of a 16 px picture
            .Flag(false).Trailing();
        Assert.Throws<CodecFormatException>(() => H264Sps.Parse([0x67, .. w.ToBytes()]));
    }

    [Fact]
    public void Truncated_vui_keeps_the_picture_size()
    {
        var full = Hex.Bytes(TestVectors.H264_1280x720.Sps);
        var sps = H264Sps.Parse(full.AsSpan(0, full.Length - 6));
        Assert.Equal(1280, sps.Width);
        Assert.Equal(720, sps.Height);
        Assert.Equal(0, sps.FrameRate);
    }

    [Fact]
    public void Not_an_sps_is_rejected()
    {
        Assert.Throws<CodecFormatException>(() => H264Sps.Parse(Hex.Bytes(TestVectors.H264_1280x720.Pps)));
        Assert.False(H264Sps.TryParse([0x67, 0x64], out _));
    }
}
