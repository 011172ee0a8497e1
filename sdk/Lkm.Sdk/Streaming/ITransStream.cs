using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Streaming;

/// <summary>
/// One muxer per (egress protocol × stream): it turns packets into segments shared, unchanged, by
/// every player of that protocol. Used only from its source's event loop.
/// </summary>
public interface ITransStream : IDisposable
{
    /// <summary>
    /// What a new player gets before media (e.g. FLV file header + onMetaData + sequence headers).
    /// Owned by the trans stream; rebuilt when tracks or metadata change (<see cref="HeaderVersion"/> increments).
    /// </summary>
    Segment Header { get; }

    /// <summary>Incremented each time <see cref="Header"/> is rebuilt.</summary>
    int HeaderVersion { get; }

    /// <summary>Muxes one packet. Completed segments (merge-write window full, or a keyframe started a new one) are added to <paramref name="completed"/>, each with one reference for the caller.</summary>
    void Write(in MediaPacket packet, List<Segment> completed);

    /// <summary>Completes the pending partial segment, if any (e.g. so a joining player gets everything now).</summary>
    Segment? Flush();

    /// <summary>Tracks or metadata changed (late track, new sequence header). Pending output is flushed into <paramref name="completed"/>; in-band codec headers may be emitted.</summary>
    void OnTracksChanged(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, List<Segment> completed);
}

/// <summary>What a trans stream is created for.</summary>
public sealed record TransStreamContext
{
    /// <summary>The stream the trans stream muxes.</summary>
    public required string StreamId { get; init; }

    /// <summary>The source's tracks at creation (later changes come through <see cref="ITransStream.OnTracksChanged"/>).</summary>
    public required IReadOnlyList<MediaTrack> Tracks { get; init; }

    /// <summary>The publisher's metadata at creation.</summary>
    public StreamMetadata Metadata { get; init; } = StreamMetadata.Empty;

    /// <summary>Merge-write window in milliseconds of media; 0 = one segment per frame.</summary>
    public int MergeWriteMs { get; init; }
}

/// <summary>Registered by a plugin for its egress protocol; the host creates one trans stream per source on first player.</summary>
public interface ITransStreamFactory
{
    /// <summary>Matches <see cref="ISink.TransProtocol"/>.</summary>
    string Protocol { get; }

    /// <summary>Creates the trans stream of one source; called on that source's event loop.</summary>
    ITransStream Create(TransStreamContext context);
}
