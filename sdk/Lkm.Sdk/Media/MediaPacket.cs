using Lkm.Sdk.Buffers;

namespace Lkm.Sdk.Media;

/// <summary>
/// One access unit of one track. Timestamps are in milliseconds.
/// Payload form: video = AVCC (each NAL unit prefixed by its 4-byte big-endian length, no parameter
/// sets needed beyond the track's codec config), AAC = one raw frame without ADTS header,
/// G.711/MP3 = the raw frame bytes.
/// The packet does not own a reference of its own: whoever keeps it beyond the call that handed it
/// over calls <see cref="Retain"/> and later <see cref="Release"/>.
/// </summary>
public readonly struct MediaPacket
{
    public MediaPacket(int trackIndex, long dts, long pts, bool isKeyFrame, PooledBuffer buffer)
    {
        TrackIndex = trackIndex;
        Dts = dts;
        Pts = pts;
        IsKeyFrame = isKeyFrame;
        Buffer = buffer;
    }

    public int TrackIndex { get; }

    public long Dts { get; }

    public long Pts { get; }

    /// <summary>Composition offset (pts - dts), as FLV carries it.</summary>
    public int CompositionTime => (int)(Pts - Dts);

    /// <summary>A video keyframe (IDR/IRAP); always true for audio.</summary>
    public bool IsKeyFrame { get; }

    public PooledBuffer Buffer { get; }

    public ReadOnlyMemory<byte> Data => Buffer.Memory;

    public MediaPacket WithTimestamps(long dts, long pts) => new(TrackIndex, dts, pts, IsKeyFrame, Buffer);

    public void Retain() => Buffer.Retain();

    public void Release() => Buffer.Release();
}
