using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class BitReaderTests
{
    [Fact]
    public void Reads_fixed_width_fields_msb_first()
    {
        var reader = new BitReader([0b1010_1100, 0xFF, 0x00, 0x12, 0x34, 0x56, 0x78]);
        Assert.True(reader.ReadFlag());
        Assert.Equal(0b010u, reader.ReadBits(3));
        Assert.Equal(0b1100_1111u, reader.ReadBits(8));
        Assert.Equal(0xF001234u, reader.ReadBits(28));
        Assert.Equal(0x567u, reader.ReadBits(12));
        Assert.Equal(4, reader.BitsLeft);
        Assert.Equal(0x8u, reader.ReadBits(4));
        Assert.Throws<CodecFormatException>(() => new BitReader([1]).ReadBits(9));
    }

    [Fact]
    public void Exp_golomb_round_trips_over_the_whole_range()
    {
        uint[] unsigned = [0, 1, 2, 3, 7, 8, 254, 255, 65535, 1u << 20, uint.MaxValue - 1];
        int[] signed = [0, 1, -1, 2, -2, 1000, -1000, int.MaxValue, -int.MaxValue];
        var writer = new BitWriter();
        foreach (var u in unsigned)
        {
            writer.Ue(u);
        }

        foreach (var s in signed)
        {
            writer.Se(s);
        }

        var bytes = writer.Trailing().ToBytes();
        var reader = new BitReader(bytes);
        foreach (var u in unsigned)
        {
            Assert.Equal(u, reader.ReadUe());
        }

        foreach (var s in signed)
        {
            Assert.Equal(s, reader.ReadSe());
        }
    }

    [Fact]
    public void Exp_golomb_code_longer_than_32_bits_is_rejected()
    {
        byte[] zeros = [0, 0, 0, 0, 0, 0x80];
        Assert.Throws<CodecFormatException>(() => new BitReader(zeros).ReadUe());
    }

    [Fact]
    public void Emulation_prevention_bytes_are_skipped_only_when_asked()
    {
        byte[] escaped = [0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0xAB];
        var rbsp = new BitReader(escaped, removeEmulationPrevention: true);
        Assert.Equal(0x000001u, rbsp.ReadBits(24));
        Assert.Equal(0x0000u, rbsp.ReadBits(16));
        Assert.Equal(0x00ABu, rbsp.ReadBits(16));

        var raw = new BitReader(escaped);
        Assert.Equal(0x000003u, raw.ReadBits(24));
    }

    [Fact]
    public void Emulation_prevention_round_trips_through_the_test_writer()
    {
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var rbsp = new byte[random.Next(1, 40)];
            random.NextBytes(rbsp);
            for (int j = 0; j < rbsp.Length; j++)
            {
                if (random.Next(3) == 0)
                {
                    rbsp[j] = 0; // plenty of zero runs
                }
            }

            var escaped = BitWriter.AddEmulationPrevention(rbsp);
            var reader = new BitReader(escaped, removeEmulationPrevention: true);
            foreach (byte expected in rbsp)
            {
                Assert.Equal(expected, (byte)reader.ReadBits(8));
            }
        }
    }
}
