using System.Buffers;

namespace Lkm.Sdk.Buffers;

/// <summary>
/// Accumulates muxed bytes for one merge-write window in a pooled array and hands it out as a
/// <see cref="Segment"/>. Not thread safe: owned by one trans stream on its source's event loop.
/// </summary>
public sealed class SegmentBuilder : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 4096;
    private byte[] _array;
    private int _written;
    private bool _startsWithKeyFrame;
    private long _startDts;
    private long _endDts;
    private bool _hasMedia;

    /// <summary>A builder whose first array holds at least <paramref name="initialSize"/> bytes (4 KiB minimum).</summary>
    public SegmentBuilder(int initialSize = 64 * 1024)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, MinimumSize));
    }

    /// <summary>Bytes written since the last <see cref="Complete"/> or <see cref="Reset"/>.</summary>
    public int WrittenCount => _written;

    /// <summary>True when nothing was written since the last <see cref="Complete"/> or <see cref="Reset"/>.</summary>
    public bool IsEmpty => _written == 0;

    /// <summary>True when a media frame was marked (<see cref="MarkFrame"/>) since the last <see cref="Complete"/>.</summary>
    public bool HasMedia => _hasMedia;

    /// <summary>Decode timestamp of the first frame written since the last <see cref="Complete"/>.</summary>
    public long StartDts => _startDts;

    /// <summary>The bytes written so far; valid until the next write or <see cref="Complete"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    /// <summary>Records that a media frame is being written, so the segment knows its time span.</summary>
    public void MarkFrame(long dts, bool startsGop)
    {
        if (!_hasMedia)
        {
            _hasMedia = true;
            _startDts = dts;
            _startsWithKeyFrame = startsGop;
        }

        _endDts = dts;
    }

    /// <summary>Commits <paramref name="count"/> bytes of the span or memory last returned.</summary>
    public void Advance(int count)
    {
        if (count < 0 || _written + count > _array.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    /// <summary>Memory of at least <paramref name="sizeHint"/> bytes (at least one) after what was written; the array grows when needed.</summary>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <summary>A span of at least <paramref name="sizeHint"/> bytes (at least one) after what was written; the array grows when needed.</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Appends a copy of <paramref name="bytes"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _written += bytes.Length;
    }

    /// <summary>Returns what was written as a segment (one reference, owned by the caller) and starts a new one.</summary>
    public Segment Complete()
    {
        // Hand over the current array (no copy of media bytes) and rent the next one sized from this
        // segment, not from the largest ever seen: a keyframe window must not make every later
        // segment, each kept for a whole GOP, hold an array several times its size.
        var segment = new Segment(_array, _written, _hasMedia, _startsWithKeyFrame, _startDts, _endDts);
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumSize, _written + (_written / 4)));
        _written = 0;
        _hasMedia = false;
        _startsWithKeyFrame = false;
        return segment;
    }

    /// <summary>Drops what was written since the last <see cref="Complete"/>, keeping the array.</summary>
    public void Reset()
    {
        _written = 0;
        _hasMedia = false;
        _startsWithKeyFrame = false;
    }

    /// <summary>Returns the array to the pool; segments already completed are not affected.</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_array.Length - _written >= sizeHint)
        {
            return;
        }

        int newSize = Math.Max(_array.Length * 2, _written + sizeHint);
        var bigger = ArrayPool<byte>.Shared.Rent(newSize);
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
