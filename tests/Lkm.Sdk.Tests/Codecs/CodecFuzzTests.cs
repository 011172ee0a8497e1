using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class CodecFuzzTests
{
    private const int Iterations = 10_000;

    // Parsed descriptions are small; hostile input must not make the parsers allocate in proportion to claimed sizes.
    private static long MaxAllocation(byte[] input) => 8192 + (16L * input.Length);

    [Fact]
    public void H264_sps_parser_only_throws_codec_format_exception()
    {
        var seeds = TestVectors.AllH264.Select(v => Hex.Bytes(v.Sps)).ToArray();
        Run(seeds, input => H264Sps.Parse(input), prefix: 0x67);
    }

    [Fact]
    public void H265_sps_parser_only_throws_codec_format_exception()
    {
        var seeds = TestVectors.AllH265.Select(v => Hex.Bytes(v.Sps)).ToArray();
        Run(seeds, input => H265Sps.Parse(input), prefix: 0x42);
    }

    [Fact]
    public void Decoder_configuration_record_parsers_only_throw_codec_format_exception()
    {
        var avc = TestVectors.AllH264.Select(v => new AvcDecoderConfigurationRecord([Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray()).ToArray();
        Run(avc, input => AvcDecoderConfigurationRecord.Parse(input).ToArray(), prefix: 0x01);
        var hevc = TestVectors.AllH265.Select(v => HevcDecoderConfigurationRecord.Create([Hex.Bytes(v.Vps)], [Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray()).ToArray();
        Run(hevc, input => HevcDecoderConfigurationRecord.Parse(input).ToArray(), prefix: 0x01);
    }

    [Fact]
    public void Aac_parsers_only_throw_codec_format_exception()
    {
        Run([Hex.Bytes("1210"), Hex.Bytes("1190"), Hex.Bytes("2b920800"), AudioSpecificConfig.Create(2, 50000, 2)], input => AudioSpecificConfig.Parse(input), prefix: 0x12);
        var adts = new byte[7];
        AdtsHeader.Write(adts, 2, 4, 2, 300);
        Run([adts, Hex.Bytes("fff15040213ffc")], input => AdtsHeader.Parse(input), prefix: 0xFF);
    }

    [Fact]
    public void Nal_unit_framing_never_throws_for_annexb_and_only_codec_format_exception_for_avcc()
    {
        var mutator = new Mutator(5);
        for (int i = 0; i < Iterations; i++)
        {
            var input = mutator.Random.Next(2) == 0 ? mutator.RandomBytes(128) : mutator.Mutate(Nal.Avcc([0x65, 1, 2], [0x41, 3]));
            int count = 0;
            foreach (var unit in AnnexB.EnumerateNalUnits(input))
            {
                Assert.False(unit.IsEmpty);
                count++;
            }

            var avcc = new byte[AnnexB.AvccLength(input)];
            AnnexB.ToAvcc(input, avcc);
            Assert.True(Avcc.IsValid(avcc));
            Assert.Equal(count, CountAvcc(avcc));

            Mutator.AssertOnlyThrows<CodecFormatException>(input, bytes => CountAvcc(bytes), 1024);
            H264.IsKeyFrameAvcc(input);
            H265.IsKeyFrameAvcc(input);
            MpegAudioHeader.TryParse(input, out _);
        }
    }

    private static int CountAvcc(byte[] bytes)
    {
        int count = 0;
        foreach (var unit in Avcc.EnumerateNalUnits(bytes))
        {
            count += unit.Length >= 0 ? 1 : 0;
        }

        return count;
    }

    private static void Run(byte[][] seeds, Action<byte[]> parse, byte prefix)
    {
        var mutator = new Mutator(seeds.Length * 31 + prefix);
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input;
            if (i % 3 == 0)
            {
                input = mutator.RandomBytes(64);
                if (input.Length > 0)
                {
                    input[0] = prefix; // get past the type check into the bit parsing
                }
            }
            else
            {
                input = mutator.Mutate(seeds[i % seeds.Length]);
            }

            Mutator.AssertOnlyThrows<CodecFormatException>(input, parse, MaxAllocation(input));
        }
    }
}
