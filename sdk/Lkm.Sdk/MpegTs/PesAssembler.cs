using System.Buffers;

namespace Lkm.Sdk.MpegTs;

/// <summary>
/// Collects the payloads of one PID's TS packets into whole PES packets in a pooled buffer that grows up to a
/// bound; a PES that would pass it, or that lost a packet, is dropped whole and the next one starts clean.
/// </summary>
internal sealed class PesAssembler : IDisposable
{
    private const int InitialSize = 16 * 1024;

    private readonly int _maxSize;
    private byte[]? _buffer;
    private int _length;
    private bool _collecting;
    private bool _randomAccess;

    public PesAssembler(TsElementaryStream stream, int maxSize)
    {
        Stream = stream;
        _maxSize = maxSize;
    }

    public TsElementaryStream Stream { get; }

    /// <summary>A packet was lost or damaged: the PES being collected is dropped; collection resumes at the next start.</summary>
    public bool Break()
    {
        bool had = _collecting;
        _collecting = false;
        _length = 0;
        return had;
    }

    /// <summary>Adds one packet's payload; returns false when a PES had to be dropped (too large, or cut short by a new start).</summary>
    public bool Add(bool unitStart, bool randomAccess, ReadOnlySpan<byte> payload, ITsPesReceiver receiver)
    {
        bool ok = true;
        if (unitStart)
        {
            if (_collecting)
            {
                ok = Emit(receiver);
            }

            _collecting = true;
            _length = 0;
            _randomAccess = randomAccess;
        }
        else if (!_collecting)
        {
            return true;
        }

        if (_length + payload.Length > _maxSize)
        {
            Break();
            return false;
        }

        EnsureCapacity(_length + payload.Length);
        payload.CopyTo(_buffer.AsSpan(_length));
        _length += payload.Length;

        // A bounded PES (audio) is complete as soon as its declared length is there.
        if (_length >= 6)
        {
            int declared = (_buffer![4] << 8) | _buffer[5];
            if (declared != 0 && _length >= 6 + declared)
            {
                ok &= Emit(receiver);
                _collecting = false;
                _length = 0;
            }
        }

        return ok;
    }

    /// <summary>Hands over an unbounded PES still being collected (at the end of the input).</summary>
    public bool Flush(ITsPesReceiver receiver)
    {
        if (!_collecting)
        {
            return true;
        }

        bool ok = Emit(receiver);
        _collecting = false;
        _length = 0;
        return ok;
    }

    private bool Emit(ITsPesReceiver receiver)
    {
        var data = _buffer.AsSpan(0, _length);
        try
        {
            var header = PesHeader.Parse(data);
            int end = header.TotalLength == 0 ? data.Length : header.TotalLength;
            if (end > data.Length)
            {
                return false; // a bounded PES cut short by the next one: bytes are missing
            }

            receiver.OnPes(new TsPes(Stream, header, data[header.HeaderLength..end], _randomAccess));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (_buffer is not null && _buffer.Length >= needed)
        {
            return;
        }

        int size = Math.Min(_maxSize, Math.Max(needed, Math.Max(InitialSize, (_buffer?.Length ?? 0) * 2)));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        _length = 0;
        _collecting = false;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
