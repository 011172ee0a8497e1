using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class NalUnitFramingTests
{
    private static readonly byte[] Sps = Hex.Bytes(TestVectors.H264_1280x720.Sps);
    private static readonly byte[] Pps = Hex.Bytes(TestVectors.H264_1280x720.Pps);
    private static readonly byte[] Idr = [0x65, 0x88, 0x80, 0x00, 0x00, 0x03, 0x01];
    private static readonly byte[] Slice = [0x41, 0x9A, 0x00];

    [Fact]
    public void AnnexB_with_mixed_start_codes_and_trailing_zeros_converts_to_avcc()
    {
        byte[] annexB = [0xAA, 0, 0, 0, 1, .. Sps, 0, 0, 1, .. Pps, 0, 0, 0, 0, 1, .. Idr, 0, 0];
        var avcc = AnnexB.ToAvcc(annexB);
        Assert.Equal(Nal.Avcc(Sps, Pps, Idr), avcc);
        Assert.Equal(avcc.Length, AnnexB.AvccLength(annexB));
    }

    [Fact]
    public void Avcc_converts_back_to_annexb()
    {
        var avcc = Nal.Avcc(Sps, Pps, Idr);
        Assert.Equal(Nal.AnnexB(Sps, Pps, Idr), Avcc.ToAnnexB(avcc));
        Assert.Equal(Nal.Avcc(Sps, Pps, Idr), AnnexB.ToAvcc(Avcc.ToAnnexB(avcc)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Shorter_length_prefixes_convert_to_four_bytes(int lengthSize)
    {
        var source = Nal.Prefixed(lengthSize, Slice, Idr);
        int length = Avcc.LengthWith4ByteLengths(source, lengthSize);
        var destination = new byte[length];
        Assert.Equal(length, Avcc.ConvertTo4ByteLengths(source, lengthSize, destination));
        Assert.Equal(Nal.Avcc(Slice, Idr), destination);
    }

    [Fact]
    public void Broken_avcc_framing_is_detected()
    {
        var good = Nal.Avcc(Slice, Idr);
        Assert.True(Avcc.IsValid(good));
        Assert.False(Avcc.IsValid(good.AsSpan(0, good.Length - 1)));
        Assert.False(Avcc.IsValid([0, 0, 1]));
        Assert.Equal(-1, Avcc.LengthWith4ByteLengths([0, 9, 1], 2));
        Assert.Throws<CodecFormatException>(() =>
        {
            foreach (var unit in Avcc.EnumerateNalUnits([0, 0, 0, 9, 1]))
            {
                _ = unit.Length;
            }
        });
    }

    [Fact]
    public void Keyframes_are_recognised_by_nal_type()
    {
        Assert.True(H264.IsKeyFrameAvcc(Nal.Avcc(Sps, Pps, Idr)));
        Assert.False(H264.IsKeyFrameAvcc(Nal.Avcc(Slice)));
        Assert.True(H264.IsKeyFrameAnnexB(Nal.AnnexB(Sps, Idr)));
        Assert.False(H264.IsKeyFrameAnnexB(Nal.AnnexB(Slice)));

        byte[] cra = [21 << 1, 1, 0xAF], idrN = [20 << 1, 1, 0xAF], trail = [1 << 1, 1, 0xAF], vps = Hex.Bytes(TestVectors.H265_1280x720.Vps);
        Assert.True(H265.IsKeyFrameAvcc(Nal.Avcc(vps, cra)));
        Assert.True(H265.IsKeyFrameAnnexB(Nal.AnnexB(idrN)));
        Assert.False(H265.IsKeyFrameAvcc(Nal.Avcc(vps, trail)));
        Assert.Equal(H265.NalSps, H265.NalType(Hex.Bytes(TestVectors.H265_1280x720.Sps)[0]));
    }
}
