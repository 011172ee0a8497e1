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

    public static PooledBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new PooledBuffer(ArrayPool<byte>.Shared.Rent(Math.Max(length, 1)), length);
    }

    public static PooledBuffer CopyOf(ReadOnlySpan<byte> data)
    {
        var buffer = Rent(data.Length);
        data.CopyTo(buffer._array);
        return buffer;
    }

    public static PooledBuffer CopyOf(in ReadOnlySequence<byte> data)
    {
        var buffer = Rent(checked((int)data.Length));
        data.CopyTo(buffer._array);
        return buffer;
    }

    public int Length => _length;

    public Memory<byte> Memory => new(Array, 0, _length);

    public Span<byte> Span => new(Array, 0, _length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBuffer));

    protected override void Free()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
