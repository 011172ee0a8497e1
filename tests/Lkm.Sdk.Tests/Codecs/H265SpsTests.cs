using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class H265SpsTests
{
    public static TheoryData<string> Vectors() => [.. TestVectors.AllH265.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Parses_real_x265_sps(string name)
    {
        var vector = TestVectors.AllH265.Single(v => v.Name == name);
        var sps = H265Sps.Parse(Hex.Bytes(vector.Sps));
        Assert.Equal(vector.Width, sps.Width);
        Assert.Equal(vector.Height, sps.Height);
        Assert.Equal(vector.Profile, sps.GeneralProfileIdc);
        Assert.Equal(vector.BitDepth, sps.BitDepthLuma);
        Assert.Equal(1, sps.ChromaFormatIdc);
        Assert.Equal(vector.FrameRate, sps.FrameRate);
    }

    [Fact]
    public void Profile_tier_level_fields_match_the_bitstream()
    {
        var sps = H265Sps.Parse(Hex.Bytes(TestVectors.H265_1920x1080.Sps));
        Assert.Equal(0, sps.GeneralProfileSpace);
        Assert.False(sps.GeneralTierFlag);
        Assert.Equal(0x60000000u, sps.GeneralProfileCompatibilityFlags); // Main and Main 10 compatible
        Assert.Equal(120, sps.GeneralLevelIdc); // level 4
        Assert.Equal(0x900000000000ul, sps.GeneralConstraintIndicatorFlags); // progressive + frame-only
        Assert.Equal(1, sps.MaxSubLayers);
    }

    [Fact]
    public void Not_an_sps_is_rejected()
    {
        Assert.Throws<CodecFormatException>(() => H265Sps.Parse(Hex.Bytes(TestVectors.H265_1280x720.Vps)));
        var sps = Hex.Bytes(TestVectors.H265_1280x720.Sps);
        Assert.False(H265Sps.TryParse(sps.AsSpan(0, 10), out _));
    }
}
