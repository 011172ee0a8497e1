using System.Buffers;

namespace Lkm.Sdk.Buffers;

/// <summary>
/// A byte array rented from <see cref="ArrayPool{T}.Shared"/> with a length and a reference count,
/// so one payload can sit in the GOP cache and in several trans streams without copies.
/// </summary>
public sealed class PooledBuffer : RefCounted
{
    private byte[]? _array;
    private readonly int _length;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>Rents a buffer of <paramref name="length"/> bytes (contents undefined) with one reference, held by the caller.</summary>
    public static PooledBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new PooledBuffer(ArrayPool<byte>.Shared.Rent(Math.Max(length, 1)), length);
    }

    /// <summary>A buffer holding a copy of <paramref name="data"/>, with one reference held by the caller.</summary>
    public static PooledBuffer CopyOf(ReadOnlySpan<byte> data)
    {
        var buffer = Rent(data.Length);
        data.CopyTo(buffer._array);
        return buffer;
    }

    /// <summary>A buffer holding a copy of <paramref name="data"/> (at most 2 GB), with one reference held by the caller.</summary>
    public static PooledBuffer CopyOf(in ReadOnlySequence<byte> data)
    {
        var buffer = Rent(checked((int)data.Length));
        data.CopyTo(buffer._array);
        return buffer;
    }

    /// <summary>Bytes of payload (the rented array may be longer).</summary>
    public int Length => _length;

    /// <summary>The payload. Valid only while the caller holds a reference: after the last <see cref="RefCounted.Release"/> the array is back in the pool.</summary>
    public Memory<byte> Memory => new(Array, 0, _length);

    /// <summary>The payload as a span; same lifetime rule as <see cref="Memory"/>.</summary>
    public Span<byte> Span => new(Array, 0, _length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBuffer));

    /// <summary>Returns the array to the pool.</summary>
    protected override void Free()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
