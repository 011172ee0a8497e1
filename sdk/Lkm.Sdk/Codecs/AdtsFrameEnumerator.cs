namespace Lkm.Sdk.Codecs;

/// <summary>One ADTS frame: its header and the raw AAC payload after it.</summary>
public readonly ref struct AdtsFrame
{
    /// <summary>A frame of <paramref name="header"/> with its raw payload <paramref name="payload"/>.</summary>
    public AdtsFrame(AdtsHeader header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    /// <summary>The frame's ADTS header.</summary>
    public AdtsHeader Header { get; }

    /// <summary>The raw AAC data after the header (a slice of the enumerated buffer, not a copy).</summary>
    public ReadOnlySpan<byte> Payload { get; }
}

/// <summary>
/// Splits a buffer of back-to-back ADTS frames (an MPEG-PS/TS audio PES, a JT1078 AAC body) into
/// raw frames without copying. Stops at the first incomplete or broken frame; <see cref="Consumed"/>
/// says how far it got, so a caller can keep a partial frame for the next buffer.
/// </summary>
public ref struct AdtsFrameEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;
    private AdtsFrame _current;

    /// <summary>Enumerates the frames of <paramref name="data"/> from its start.</summary>
    public AdtsFrameEnumerator(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
        _current = default;
    }

    /// <summary>The frame found by the last successful <see cref="MoveNext"/>.</summary>
    public readonly AdtsFrame Current => _current;

    /// <summary>Bytes covered by the frames returned so far.</summary>
    public readonly int Consumed => _offset;

    /// <summary>Returns this enumerator, so it can be used in <c>foreach</c>.</summary>
    public readonly AdtsFrameEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next complete, valid frame; false at the end of the data or at an incomplete or broken frame.</summary>
    public bool MoveNext()
    {
        var rest = _data[_offset..];
        if (!AdtsHeader.TryParse(rest, out var header) || header.FrameLength > rest.Length)
        {
            return false;
        }

        _current = new AdtsFrame(header, rest[header.HeaderLength..header.FrameLength]);
        _offset += header.FrameLength;
        return true;
    }
}
