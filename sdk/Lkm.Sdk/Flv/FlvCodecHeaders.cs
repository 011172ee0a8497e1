using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>
/// What every FLV-based egress (RTMP, HTTP-FLV, WS-FLV) tells a player before media: the tag bodies
/// of onMetaData and of each track's sequence header, for the tracks FLV can carry. Each egress
/// wraps the bodies in its own framing (FLV tags, RTMP chunks). When the source's tracks change, a
/// new instance says which sequence headers changed (<see cref="ChangedSince"/>): players already
/// running need those in-band. Immutable; built off the hot path, read by <see cref="TrackOf"/> on it.
/// </summary>
public sealed class FlvCodecHeaders
{
    private readonly MediaTrack?[] _byIndex;

    /// <summary>Builds the headers for <paramref name="tracks"/> (tracks FLV cannot carry are left out) and <paramref name="metadata"/>.</summary>
    public FlvCodecHeaders(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(tracks);

        // A track FLV cannot carry (e.g. Opus) is left out: its packets are dropped, the rest still plays.
        var carried = tracks.Where(t => FlvTagBody.CanCarry(t.Codec) && t.Index >= 0).ToArray();
        _byIndex = new MediaTrack?[carried.Length == 0 ? 0 : carried.Max(t => t.Index) + 1];
        var sequenceHeaders = new List<FlvSequenceHeader>(carried.Length);
        foreach (var track in carried)
        {
            _byIndex[track.Index] = track;
            var body = FlvTagBody.SequenceHeader(track);
            if (body.Length > 0)
            {
                sequenceHeaders.Add(new FlvSequenceHeader(track, body));
            }
        }

        Tracks = carried;
        SequenceHeaders = sequenceHeaders;
        HasVideo = carried.Any(t => t.MediaType == MediaType.Video);
        HasAudio = carried.Any(t => t.MediaType == MediaType.Audio);
        Metadata = FlvTagBody.Metadata(carried, metadata ?? StreamMetadata.Empty);
    }

    /// <summary>The tracks FLV carries, in the source's order.</summary>
    public IReadOnlyList<MediaTrack> Tracks { get; }

    /// <summary>True when a carried track is video.</summary>
    public bool HasVideo { get; }

    /// <summary>True when a carried track is audio.</summary>
    public bool HasAudio { get; }

    /// <summary>The onMetaData script body (publisher's properties completed from the tracks).</summary>
    public ReadOnlyMemory<byte> Metadata { get; }

    /// <summary>One body per track that has a sequence header (H.264/H.265/AV1/VP9 and AAC with a config), in track order.</summary>
    public IReadOnlyList<FlvSequenceHeader> SequenceHeaders { get; }

    /// <summary>The carried track of a packet's track index; null for a track FLV does not carry or was not told about.</summary>
    public MediaTrack? TrackOf(int index) => (uint)index < (uint)_byIndex.Length ? _byIndex[index] : null;

    /// <summary>
    /// The sequence headers players who got <paramref name="previous"/> have to be sent: those of
    /// tracks that are new at their index or whose codec or codec configuration changed.
    /// </summary>
    public IReadOnlyList<FlvSequenceHeader> ChangedSince(FlvCodecHeaders previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        List<FlvSequenceHeader>? changed = null;
        foreach (var header in SequenceHeaders)
        {
            var track = header.Track;
            var before = previous.TrackOf(track.Index);
            if (before is null || before.Codec != track.Codec || !before.CodecConfig.Span.SequenceEqual(track.CodecConfig.Span))
            {
                (changed ??= []).Add(header);
            }
        }

        return changed ?? (IReadOnlyList<FlvSequenceHeader>)Array.Empty<FlvSequenceHeader>();
    }
}
