namespace Lkm.Sdk.MpegTs;

/// <summary>Collects the PSI sections of one PID (PAT or PMT) across TS packets, pointer_field included, in a fixed buffer.</summary>
internal sealed class PsiSectionAssembler
{
    private const int MaxTotal = 3 + PsiSection.MaxSectionLength;

    private readonly byte[] _buffer = new byte[MaxTotal];
    private int _length;
    private bool _collecting;

    /// <summary>Called with each complete section (its bytes valid only during the call).</summary>
    public delegate void SectionHandler(ReadOnlySpan<byte> section);

    public void Break()
    {
        _collecting = false;
        _length = 0;
    }

    /// <summary>Adds one packet's payload; calls <paramref name="onSection"/> for each section it completes. Throws <see cref="TsFormatException"/> for a bad pointer_field or section length.</summary>
    public void Add(bool unitStart, ReadOnlySpan<byte> payload, SectionHandler onSection)
    {
        if (unitStart)
        {
            if (payload.IsEmpty)
            {
                throw new TsFormatException("PSI packet without pointer_field.");
            }

            int pointer = payload[0];
            if (1 + pointer > payload.Length)
            {
                Break();
                throw new TsFormatException("PSI pointer_field runs past the packet.");
            }

            if (_collecting)
            {
                Append(payload.Slice(1, pointer), onSection);
            }

            Break();
            var rest = payload[(1 + pointer)..];
            while (!rest.IsEmpty && rest[0] != 0xFF)
            {
                _collecting = true;
                _length = 0;
                int used = Append(rest, onSection);
                if (_collecting)
                {
                    return; // continues in the next packet
                }

                rest = rest[used..];
            }

            return;
        }

        if (_collecting)
        {
            Append(payload, onSection);
        }
    }

    // Appends up to the end of the current section; returns the bytes of data used.
    private int Append(ReadOnlySpan<byte> data, SectionHandler onSection)
    {
        int used = 0;
        if (_length < 3)
        {
            int header = Math.Min(3 - _length, data.Length);
            data[..header].CopyTo(_buffer.AsSpan(_length));
            _length += header;
            used = header;
            if (_length < 3)
            {
                return used;
            }
        }

        int total = PsiSection.TotalLength(_buffer.AsSpan(0, _length));
        if (total > MaxTotal || total < 12)
        {
            Break();
            throw new TsFormatException($"PSI section_length {total - 3} out of range.");
        }

        int take = Math.Min(total - _length, data.Length - used);
        data.Slice(used, take).CopyTo(_buffer.AsSpan(_length));
        _length += take;
        used += take;
        if (_length == total)
        {
            _collecting = false;
            _length = 0;
            onSection(_buffer.AsSpan(0, total));
        }

        return used;
    }
}
