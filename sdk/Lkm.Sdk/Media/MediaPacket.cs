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
    /// <summary>A packet over <paramref name="buffer"/>; takes no reference (see the type's remarks).</summary>
    public MediaPacket(int trackIndex, long dts, long pts, bool isKeyFrame, PooledBuffer buffer)
    {
        TrackIndex = trackIndex;
        Dts = dts;
        Pts = pts;
        IsKeyFrame = isKeyFrame;
        Buffer = buffer;
    }

    /// <summary>Index of the packet's track in its source (<see cref="MediaTrack.Index"/>).</summary>
    public int TrackIndex { get; }

    /// <summary>Decode timestamp in milliseconds.</summary>
    public long Dts { get; }

    /// <summary>Presentation timestamp in milliseconds.</summary>
    public long Pts { get; }

    /// <summary>Composition offset (pts - dts), as FLV carries it.</summary>
    public int CompositionTime => (int)(Pts - Dts);

    /// <summary>A video keyframe (IDR/IRAP); always true for audio.</summary>
    public bool IsKeyFrame { get; }

    /// <summary>The payload buffer, shared by reference count.</summary>
    public PooledBuffer Buffer { get; }

    /// <summary>The payload; valid while someone holds a reference to <see cref="Buffer"/>.</summary>
    public ReadOnlyMemory<byte> Data => Buffer.Memory;

    /// <summary>The same packet (same buffer, no new reference) with other timestamps.</summary>
    public MediaPacket WithTimestamps(long dts, long pts) => new(TrackIndex, dts, pts, IsKeyFrame, Buffer);

    /// <summary>Takes a reference to the payload buffer, to keep the packet beyond the call that handed it over.</summary>
    public void Retain() => Buffer.Retain();

    /// <summary>Gives back a reference taken with <see cref="Retain"/> (or the creator's own).</summary>
    public void Release() => Buffer.Release();
}
