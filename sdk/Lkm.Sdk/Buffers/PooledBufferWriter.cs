using System.Buffers;

namespace Lkm.Sdk.Buffers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> on an array rented from <see cref="ArrayPool{T}.Shared"/> that goes
/// back to the pool on <see cref="Clear"/>: a connection that writes a few replies and then idles for hours
/// (a player after its play command) holds no buffer meanwhile.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 256;

    private byte[]? _array;
    private int _written;

    /// <summary>Bytes written since the last <see cref="Clear"/>.</summary>
    public int WrittenCount => _written;

    /// <summary>The bytes written; valid until the next write or <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array is null ? default : _array.AsMemory(0, _written);

    /// <summary>The bytes written; valid until the next write or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _array is null ? default : _array.AsSpan(0, _written);

    /// <summary>Commits <paramref name="count"/> bytes of the span or memory last returned.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_array is null || _written + count > _array.Length)
        {
            throw new InvalidOperationException("Advance past the end of the buffer.");
        }

        _written += count;
    }

    /// <summary>Memory of at least <paramref name="sizeHint"/> bytes (at least one) after what was written; renting a bigger array when needed.</summary>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <summary>A span of at least <paramref name="sizeHint"/> bytes (at least one) after what was written; renting a bigger array when needed.</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Forgets what was written and returns the array to the pool.</summary>
    public void Clear()
    {
        var array = _array;
        _array = null;
        _written = 0;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>Same as <see cref="Clear"/>.</summary>
    public void Dispose() => Clear();

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_array))]
    private void Ensure(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = _written + Math.Max(sizeHint, 1);
        if (_array is not null && needed <= _array.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumSize, (_array?.Length ?? 0) * 2)));
        if (_array is not null)
        {
            _array.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = bigger;
    }
}
