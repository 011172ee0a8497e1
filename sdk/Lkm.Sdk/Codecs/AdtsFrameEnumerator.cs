namespace Lkm.Sdk.Codecs;

/// <summary>One ADTS frame: its header and the raw AAC payload after it.</summary>
public readonly ref struct AdtsFrame
{
    public AdtsFrame(AdtsHeader header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    public AdtsHeader Header { get; }

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

    public AdtsFrameEnumerator(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
        _current = default;
    }

    public readonly AdtsFrame Current => _current;

    /// <summary>Bytes covered by the frames returned so far.</summary>
    public readonly int Consumed => _offset;

    public readonly AdtsFrameEnumerator GetEnumerator() => this;

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
