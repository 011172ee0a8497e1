namespace Lkm.Sdk.Tests.Support;

/// <summary>Builds bit-packed test input (SPS, ASC) including Exp-Golomb codes and emulation prevention.</summary>
internal sealed class BitWriter
{
    private readonly List<bool> _bits = [];

    public BitWriter Bits(ulong value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            _bits.Add(((value >> i) & 1) != 0);
        }

        return this;
    }

    public BitWriter Flag(bool value) => Bits(value ? 1u : 0u, 1);

    public BitWriter Ue(uint value)
    {
        ulong code = (ulong)value + 1;
        int length = 64 - System.Numerics.BitOperations.LeadingZeroCount(code);
        Bits(0, length - 1);
        return Bits(code, length);
    }

    public BitWriter Se(int value) => Ue(value <= 0 ? (uint)(-2L * value) : (uint)(2L * value - 1));

    /// <summary>rbsp_trailing_bits: a stop bit and zero padding to a byte boundary.</summary>
    public BitWriter Trailing()
    {
        Flag(true);
        while (_bits.Count % 8 != 0)
        {
            _bits.Add(false);
        }

        return this;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[(_bits.Count + 7) / 8];
        for (int i = 0; i < _bits.Count; i++)
        {
            if (_bits[i])
            {
                bytes[i / 8] |= (byte)(0x80 >> (i % 8));
            }
        }

        return bytes;
    }

    /// <summary>The bytes with emulation prevention (00 00 0x → 00 00 03 0x for x ≤ 3) applied, as a NAL unit carries them.</summary>
    public static byte[] AddEmulationPrevention(ReadOnlySpan<byte> rbsp)
    {
        var result = new List<byte>(rbsp.Length + 8);
        int zeros = 0;
        foreach (byte b in rbsp)
        {
            if (zeros >= 2 && b <= 3)
            {
                result.Add(3);
                zeros = 0;
            }

            result.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. result];
    }
}
