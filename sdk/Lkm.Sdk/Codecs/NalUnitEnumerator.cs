namespace Lkm.Sdk.Codecs;

/// <summary>
/// Walks the NAL units of an Annex-B byte stream (00 00 01 / 00 00 00 01 start codes) without
/// allocating. Each unit is returned without its start code and without trailing zero bytes.
/// Bytes before the first start code are ignored.
/// </summary>
public ref struct AnnexBNalUnitEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private ReadOnlySpan<byte> _current;

    internal AnnexBNalUnitEnumerator(ReadOnlySpan<byte> data)
    {
        int start = AnnexB.FindStartCode(data, out int startCodeLength);
        _remaining = start < 0 ? default : data[(start + startCodeLength)..];
        _current = default;
    }

    /// <summary>The NAL unit found by the last successful <see cref="MoveNext"/> (a slice of the input).</summary>
    public readonly ReadOnlySpan<byte> Current => _current;

    /// <summary>Returns this enumerator, so it can be used in <c>foreach</c>.</summary>
    public readonly AnnexBNalUnitEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next NAL unit; false at the end of the data.</summary>
    public bool MoveNext()
    {
        while (!_remaining.IsEmpty)
        {
            int next = AnnexB.FindStartCode(_remaining, out int startCodeLength);
            ReadOnlySpan<byte> unit;
            if (next < 0)
            {
                unit = _remaining;
                _remaining = default;
            }
            else
            {
                unit = _remaining[..next];
                _remaining = _remaining[(next + startCodeLength)..];
            }

            unit = unit.TrimEnd((byte)0);
            if (!unit.IsEmpty)
            {
                _current = unit;
                return true;
            }
        }

        _current = default;
        return false;
    }
}

/// <summary>
/// Walks the NAL units of a length-prefixed (AVCC/HVCC) payload without allocating.
/// A length that runs past the end throws <see cref="CodecFormatException"/>.
/// </summary>
public ref struct AvccNalUnitEnumerator
{
    private readonly int _lengthSize;
    private ReadOnlySpan<byte> _remaining;
    private ReadOnlySpan<byte> _current;

    internal AvccNalUnitEnumerator(ReadOnlySpan<byte> data, int lengthSize)
    {
        if (lengthSize is not (1 or 2 or 3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthSize));
        }

        _lengthSize = lengthSize;
        _remaining = data;
        _current = default;
    }

    /// <summary>The NAL unit found by the last successful <see cref="MoveNext"/> (a slice of the input, without its length prefix).</summary>
    public readonly ReadOnlySpan<byte> Current => _current;

    /// <summary>Returns this enumerator, so it can be used in <c>foreach</c>.</summary>
    public readonly AvccNalUnitEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next NAL unit; false at the end of the data. Throws <see cref="CodecFormatException"/> for a length prefix that is truncated or runs past the end.</summary>
    public bool MoveNext()
    {
        if (_remaining.IsEmpty)
        {
            _current = default;
            return false;
        }

        if (_remaining.Length < _lengthSize)
        {
            throw new CodecFormatException("Truncated NAL unit length prefix.");
        }

        uint length = Avcc.ReadLength(_remaining, _lengthSize);
        if (length > (uint)(_remaining.Length - _lengthSize))
        {
            throw new CodecFormatException($"NAL unit length {length} runs past the end of the payload.");
        }

        _current = _remaining.Slice(_lengthSize, (int)length);
        _remaining = _remaining[(_lengthSize + (int)length)..];
        return true;
    }
}
