namespace Lkm.Sdk.Codecs;

/// <summary>
/// MSB-first bit reader over a NAL unit payload or any bit-packed header. With
/// <c>removeEmulationPrevention</c> it skips the 0x03 byte of every 00 00 03 sequence on the fly,
/// so parameter sets are read as RBSP without copying them first.
/// Reading past the end throws <see cref="CodecFormatException"/>.
/// </summary>
public ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _removeEmulationPrevention;
    private int _nextByte;
    private int _zeroRun;
    private int _current;
    private int _bitsLeftInCurrent;

    /// <summary>A reader over <paramref name="data"/>; with <paramref name="removeEmulationPrevention"/> it reads a NAL unit as RBSP.</summary>
    public BitReader(ReadOnlySpan<byte> data, bool removeEmulationPrevention = false)
    {
        _data = data;
        _removeEmulationPrevention = removeEmulationPrevention;
    }

    /// <summary>Bits still available (an upper bound when emulation prevention bytes remain ahead).</summary>
    public readonly int BitsLeft => _bitsLeftInCurrent + ((_data.Length - _nextByte) * 8);

    /// <summary>Bits consumed so far, counting skipped emulation prevention bytes as consumed.</summary>
    public readonly int Position => (_nextByte * 8) - _bitsLeftInCurrent;

    /// <summary>Reads one bit.</summary>
    public bool ReadBit() => ReadBits(1) != 0;

    /// <summary>Reads a one-bit flag (same as <see cref="ReadBit"/>, named as the specifications' syntax tables name flags).</summary>
    public bool ReadFlag() => ReadBits(1) != 0;

    /// <summary>Reads <paramref name="count"/> (0..32) bits as an unsigned big-endian number.</summary>
    public uint ReadBits(int count)
    {
        if ((uint)count > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        uint value = 0;
        while (count > 0)
        {
            if (_bitsLeftInCurrent == 0)
            {
                FetchByte();
            }

            int take = Math.Min(count, _bitsLeftInCurrent);
            int shift = _bitsLeftInCurrent - take;
            uint bits = (uint)(_current >> shift) & ((1u << take) - 1);
            value = (value << take) | bits;
            _bitsLeftInCurrent -= take;
            count -= take;
        }

        return value;
    }

    /// <summary>Reads up to 64 bits.</summary>
    public ulong ReadBitsLong(int count)
    {
        if ((uint)count > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        ulong value = 0;
        while (count > 0)
        {
            int take = Math.Min(count, 32);
            value = (value << take) | ReadBits(take);
            count -= take;
        }

        return value;
    }

    /// <summary>Skips <paramref name="count"/> bits.</summary>
    public void Skip(int count)
    {
        while (count > 0)
        {
            int take = Math.Min(count, 32);
            ReadBits(take);
            count -= take;
        }
    }

    /// <summary>Unsigned Exp-Golomb code ue(v).</summary>
    public uint ReadUe()
    {
        int leadingZeros = 0;
        while (!ReadBit())
        {
            if (++leadingZeros > 31)
            {
                throw new CodecFormatException("Exp-Golomb code longer than 32 bits.");
            }
        }

        if (leadingZeros == 0)
        {
            return 0;
        }

        // (2^lz - 1) + bits fits in uint because lz <= 31.
        return (uint)(((1ul << leadingZeros) - 1) + ReadBits(leadingZeros));
    }

    /// <summary>ue(v) that must not exceed <paramref name="max"/> (hostile input guard).</summary>
    public int ReadUe(int max, string what)
    {
        uint value = ReadUe();
        if (value > (uint)max)
        {
            throw new CodecFormatException($"{what} = {value} is out of range (max {max}).");
        }

        return (int)value;
    }

    /// <summary>Signed Exp-Golomb code se(v).</summary>
    public int ReadSe()
    {
        uint codeNum = ReadUe();
        long magnitude = ((long)codeNum + 1) / 2;
        return (int)((codeNum & 1) == 1 ? magnitude : -magnitude);
    }

    private void FetchByte()
    {
        if (_nextByte >= _data.Length)
        {
            throw new CodecFormatException("Unexpected end of bitstream.");
        }

        int value = _data[_nextByte++];
        if (_removeEmulationPrevention && _zeroRun >= 2 && value == 0x03)
        {
            _zeroRun = 0;
            if (_nextByte >= _data.Length)
            {
                throw new CodecFormatException("Unexpected end of bitstream.");
            }

            value = _data[_nextByte++];
        }

        _zeroRun = value == 0 ? _zeroRun + 1 : 0;
        _current = value;
        _bitsLeftInCurrent = 8;
    }
}
