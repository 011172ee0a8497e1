using System.Buffers;

namespace Lkm.Sdk.Buffers;

/// <summary>
/// A finished piece of muxed output (one merge-write window, or codec headers) written unchanged to
/// every player of a trans stream. Reference counted: each player queue holds a reference while
/// the bytes wait to be sent.
/// </summary>
public sealed class Segment : RefCounted
{
    private byte[]? _array;
    private readonly int _length;

    internal Segment(byte[] array, int length, bool isMedia, bool startsWithKeyFrame, long startDts, long endDts)
    {
        IsMedia = isMedia;
        _array = array;
        _length = length;
        StartsWithKeyFrame = startsWithKeyFrame;
        StartDts = startDts;
        EndDts = endDts;
    }

    /// <summary>A copy of <paramref name="bytes"/> as a non-media segment; for small one-off segments such as headers.</summary>
    public static Segment CopyOf(ReadOnlySpan<byte> bytes)
    {
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 1));
        bytes.CopyTo(array);
        return new Segment(array, bytes.Length, isMedia: false, startsWithKeyFrame: false, 0, 0);
    }

    /// <summary>True when the segment carries media frames (false for headers and control messages).</summary>
    public bool IsMedia { get; }

    /// <summary>True when a player may start with this segment (it begins with a video keyframe, or the stream has no video).</summary>
    public bool StartsWithKeyFrame { get; }

    /// <summary>Decode timestamp (ms) of the first media frame in the segment.</summary>
    public long StartDts { get; }

    /// <summary>Decode timestamp (ms) of the last media frame in the segment.</summary>
    public long EndDts { get; }

    /// <summary>Bytes in the segment.</summary>
    public int Length => _length;

    /// <summary>The bytes. Valid only while the caller holds a reference; never write to them (every player shares them).</summary>
    public ReadOnlyMemory<byte> Memory => new(_array ?? throw new ObjectDisposedException(nameof(Segment)), 0, _length);

    /// <summary>The bytes as an array segment, for gather writes with <c>Socket.SendAsync(IList&lt;ArraySegment&lt;byte&gt;&gt;)</c>.</summary>
    public ArraySegment<byte> ArraySegment => new(_array ?? throw new ObjectDisposedException(nameof(Segment)), 0, _length);

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
