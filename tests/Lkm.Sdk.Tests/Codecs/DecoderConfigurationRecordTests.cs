using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class DecoderConfigurationRecordTests
{
    [Fact]
    public void Avc_record_built_from_sps_pps_matches_the_layout_and_parses_back()
    {
        var v = TestVectors.H264_1280x720;
        byte[] sps = Hex.Bytes(v.Sps), pps = Hex.Bytes(v.Pps);
        var bytes = new AvcDecoderConfigurationRecord([sps], [pps]).ToArray();

        // version, profile, compat, level, 0xFF (4-byte lengths), 0xE1 (one SPS)
        Assert.Equal(new byte[] { 1, 0x64, 0x00, 0x1F, 0xFF, 0xE1 }, bytes[..6]);
        Assert.Equal(sps.Length, (bytes[6] << 8) | bytes[7]);
        Assert.Equal(sps, bytes[8..(8 + sps.Length)]);
        int ppsAt = 8 + sps.Length;
        Assert.Equal(1, bytes[ppsAt]);
        Assert.Equal(pps, bytes[(ppsAt + 3)..(ppsAt + 3 + pps.Length)]);

        // High profile: chroma 4:2:0, 8-bit, no SPS extensions.
        Assert.Equal(new byte[] { 0xFD, 0xF8, 0xF8, 0x00 }, bytes[^4..]);

        var parsed = AvcDecoderConfigurationRecord.Parse(bytes);
        Assert.Equal(4, parsed.NalLengthSize);
        Assert.Equal(100, parsed.ProfileIndication);
        Assert.Equal(31, parsed.LevelIndication);
        Assert.Equal(sps, Assert.Single(parsed.SequenceParameterSets));
        Assert.Equal(pps, Assert.Single(parsed.PictureParameterSets));
        Assert.Equal(1280, parsed.ParseSps().Width);
        Assert.Equal(bytes, parsed.ToArray());
    }

    [Fact]
    public void Baseline_avc_record_has_no_extension()
    {
        var v = TestVectors.H264_Baseline;
        var bytes = new AvcDecoderConfigurationRecord([Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray();
        Assert.Equal(7 + 2 + (v.Sps.Length / 2) + 2 + (v.Pps.Length / 2), bytes.Length);
    }

    [Fact]
    public void Avc_record_from_an_annexb_access_unit()
    {
        var v = TestVectors.H264_640x360;
        byte[] annexB = [0, 0, 0, 1, .. Hex.Bytes(v.Sps), 0, 0, 1, .. Hex.Bytes(v.Pps), 0, 0, 0, 1, 0x65, 0x88, 0x84];
        var record = AvcDecoderConfigurationRecord.FromAccessUnit(annexB, annexB: true);
        Assert.NotNull(record);
        Assert.Equal(360, record.ParseSps().Height);
        Assert.Null(AvcDecoderConfigurationRecord.FromAccessUnit([0, 0, 1, 0x65, 0x88], annexB: true));
    }

    [Fact]
    public void Avc_record_with_two_byte_lengths_is_reported()
    {
        var v = TestVectors.H264_1280x720;
        var bytes = new AvcDecoderConfigurationRecord([Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)], nalLengthSize: 2).ToArray();
        Assert.Equal(0xFD, bytes[4]);
        Assert.Equal(2, AvcDecoderConfigurationRecord.Parse(bytes).NalLengthSize);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01640028")]
    [InlineData("0264001fffe1000467640028")] // version 2
    [InlineData("0164001fffe10010676400")] // SPS length past the end
    [InlineData("0164001ffee1000467640028")] // 3-byte NAL lengths
    [InlineData("0164001fffe0000100")] // no SPS
    public void Broken_avc_records_throw_codec_format_exception(string hex)
    {
        Assert.Throws<CodecFormatException>(() => AvcDecoderConfigurationRecord.Parse(Hex.Bytes(hex)));
        Assert.False(AvcDecoderConfigurationRecord.TryParse(Hex.Bytes(hex), out _));
    }

    [Fact]
    public void Hevc_record_built_from_parameter_sets_parses_back()
    {
        var v = TestVectors.H265_1920x1080;
        byte[] vps = Hex.Bytes(v.Vps), sps = Hex.Bytes(v.Sps), pps = Hex.Bytes(v.Pps);
        var record = HevcDecoderConfigurationRecord.Create([vps], [sps], [pps]);
        var bytes = record.ToArray();

        Assert.Equal(1, bytes[0]);
        Assert.Equal(0x01, bytes[1]); // space 0, main tier, Main profile
        Assert.Equal(new byte[] { 0x60, 0, 0, 0 }, bytes[2..6]);
        Assert.Equal(120, bytes[12]);
        Assert.Equal(0xFD, bytes[16]); // 4:2:0
        Assert.Equal(0x0F, bytes[21]); // 1 temporal layer, nested, 4-byte lengths
        Assert.Equal(3, bytes[22]);
        Assert.Equal(0x80 | 32, bytes[23]);

        var parsed = HevcDecoderConfigurationRecord.Parse(bytes);
        Assert.Equal(vps, Assert.Single(parsed.VideoParameterSets));
        Assert.Equal(sps, Assert.Single(parsed.SequenceParameterSets));
        Assert.Equal(pps, Assert.Single(parsed.PictureParameterSets));
        Assert.Equal(1, parsed.GeneralProfileIdc);
        Assert.Equal(120, parsed.GeneralLevelIdc);
        Assert.Equal(0x900000000000ul, parsed.GeneralConstraintIndicatorFlags);
        Assert.Equal(4, parsed.NalLengthSize);
        Assert.Equal(1080, parsed.ParseSps().Height);
        Assert.Equal(bytes, parsed.ToArray());
    }

    [Fact]
    public void Hevc_record_of_a_10_bit_stream_says_so()
    {
        var v = TestVectors.H265_Main10;
        var bytes = HevcDecoderConfigurationRecord.Create([Hex.Bytes(v.Vps)], [Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray();
        Assert.Equal(0xFA, bytes[17]);
        Assert.Equal(0xFA, bytes[18]);
        Assert.Equal(10, HevcDecoderConfigurationRecord.Parse(bytes).BitDepthLuma);
    }

    [Fact]
    public void Hevc_record_from_an_avcc_access_unit()
    {
        var v = TestVectors.H265_1280x720;
        var avcc = Nal.Avcc(Hex.Bytes(v.Vps), Hex.Bytes(v.Sps), Hex.Bytes(v.Pps), [0x26, 0x01, 0xAF]);
        var record = HevcDecoderConfigurationRecord.FromAccessUnit(avcc, annexB: false);
        Assert.NotNull(record);
        Assert.Equal(720, record.ParseSps().Height);
        Assert.Null(HevcDecoderConfigurationRecord.FromAccessUnit(Nal.Avcc(Hex.Bytes(v.Sps), Hex.Bytes(v.Pps)), annexB: false));
    }

    [Fact]
    public void Parameter_sets_as_annexb()
    {
        var v = TestVectors.H264_1280x720;
        var record = new AvcDecoderConfigurationRecord([Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]);
        byte[] expected = [0, 0, 0, 1, .. Hex.Bytes(v.Sps), 0, 0, 0, 1, .. Hex.Bytes(v.Pps)];
        Assert.Equal(expected, record.ToAnnexB());
    }

    [Fact]
    public void Codec_strings_for_hls_and_mse()
    {
        var avc = new AvcDecoderConfigurationRecord([Hex.Bytes(TestVectors.H264_1280x720.Sps)], [Hex.Bytes(TestVectors.H264_1280x720.Pps)]);
        Assert.Equal("avc1.64001f", avc.CodecString);
        var main = TestVectors.H265_1920x1080;
        Assert.Equal("hvc1.1.6.L120.90", HevcDecoderConfigurationRecord.Create([Hex.Bytes(main.Vps)], [Hex.Bytes(main.Sps)], [Hex.Bytes(main.Pps)]).CodecString);
        var main10 = TestVectors.H265_Main10;
        Assert.Equal("hvc1.2.4.L63.90", HevcDecoderConfigurationRecord.Create([Hex.Bytes(main10.Vps)], [Hex.Bytes(main10.Sps)], [Hex.Bytes(main10.Pps)]).CodecString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01016000000090000000000078f000fcfdf8f800000f")] // 22 bytes
    [InlineData("01016000000090000000000078f000fcfdf8f800000f01a10001ffff")] // NAL past the end
    [InlineData("01016000000090000000000078f000fcfdf8f800000f00")] // no SPS
    public void Broken_hevc_records_throw_codec_format_exception(string hex)
    {
        Assert.Throws<CodecFormatException>(() => HevcDecoderConfigurationRecord.Parse(Hex.Bytes(hex)));
    }
}
