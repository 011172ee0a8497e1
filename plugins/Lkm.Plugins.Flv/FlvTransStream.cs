using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Flv;

/// <summary>
/// The FLV muxer shared by every HTTP-FLV and WS-FLV player of one stream. Each tag carries its own
/// trailing PreviousTagSize and the file header ends with PreviousTagSize0, so the header followed
/// by any run of segments is a valid FLV byte stream. Used only from the source's event loop.
/// </summary>
public sealed class FlvTransStream : ITransStream
{
    private readonly MergeWriteBuffer _merge;
    private MediaTrack?[] _tracksByIndex = [];
    private IReadOnlyList<MediaTrack> _tracks = [];
    private StreamMetadata _metadata;
    private Segment _header;
    private long _lastDts;

    public FlvTransStream(TransStreamContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        StreamId = context.StreamId;
        _metadata = context.Metadata;
        SetTracks(context.Tracks);
        _merge = new MergeWriteBuffer(context.MergeWriteMs, HasVideo);
        _header = BuildHeader();
    }

    public string StreamId { get; }

    public Segment Header => _header;

    public int HeaderVersion { get; private set; }

    public bool HasVideo { get; private set; }

    public bool HasAudio { get; private set; }

    public void Write(in MediaPacket packet, List<Segment> completed)
    {
        var track = TrackOf(packet.TrackIndex);
        if (track is null)
        {
            // A packet of a track the muxer was not told about cannot be described to players: drop it.
            return;
        }

        var output = _merge.BeginFrame(packet, track.MediaType, completed);
        FlvWriter.WriteMediaTag(output, track, packet);
        _merge.EndFrame(completed);
        _lastDts = Math.Max(_lastDts, packet.Dts);
    }

    public Segment? Flush() => _merge.Flush();

    public void OnTracksChanged(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, List<Segment> completed)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        if (_merge.Flush() is { } pending)
        {
            completed.Add(pending);
        }

        var previous = _tracksByIndex;
        SetTracks(tracks);
        _metadata = metadata ?? StreamMetadata.Empty;
        _merge.HasVideo = HasVideo;

        // Players already attached keep their FLV header (a second one would break them); they get
        // the new codec configuration in-band, at the current time, in front of the next frame.
        foreach (var track in _tracks)
        {
            var before = track.Index < previous.Length ? previous[track.Index] : null;
            if (before is not null && before.Codec == track.Codec && before.CodecConfig.Span.SequenceEqual(track.CodecConfig.Span))
            {
                continue;
            }

            byte[] body = FlvTagBody.SequenceHeader(track);
            if (body.Length > 0)
            {
                FlvWriter.WriteTag(_merge.InBand, TagTypeOf(track), _lastDts, body);
            }
        }

        var oldHeader = _header;
        _header = BuildHeader();
        HeaderVersion++;
        oldHeader.Release();
    }

    public void Dispose()
    {
        _merge.Dispose();
        _header.Release();
    }

    private MediaTrack? TrackOf(int index) => (uint)index < (uint)_tracksByIndex.Length ? _tracksByIndex[index] : null;

    private void SetTracks(IReadOnlyList<MediaTrack> allTracks)
    {
        // A track FLV cannot carry (e.g. Opus) is left out: its packets are dropped, the rest still plays.
        var tracks = allTracks.Where(t => FlvTagBody.CanCarry(t.Codec) && t.Index >= 0).ToArray();
        int size = 0;
        foreach (var track in tracks)
        {
            size = Math.Max(size, track.Index + 1);
        }

        var byIndex = new MediaTrack?[size];
        foreach (var track in tracks)
        {
            byIndex[track.Index] = track;
        }

        _tracksByIndex = byIndex;
        _tracks = tracks;
        HasVideo = tracks.Any(t => t.MediaType == MediaType.Video);
        HasAudio = tracks.Any(t => t.MediaType == MediaType.Audio);
    }

    /// <summary>FLV file header + PreviousTagSize0, onMetaData, then one sequence-header tag per track that has one; all at timestamp 0.</summary>
    private Segment BuildHeader()
    {
        var output = new ArrayBufferWriter<byte>(1024);
        FlvWriter.WriteFileHeader(output, HasAudio, HasVideo);
        FlvWriter.WriteTag(output, FlvTagType.Script, 0, FlvTagBody.Metadata(_tracks, _metadata));
        foreach (var track in _tracks)
        {
            byte[] body = FlvTagBody.SequenceHeader(track);
            if (body.Length > 0)
            {
                FlvWriter.WriteTag(output, TagTypeOf(track), 0, body);
            }
        }

        return Segment.CopyOf(output.WrittenSpan);
    }

    private static FlvTagType TagTypeOf(MediaTrack track) => track.MediaType == MediaType.Video ? FlvTagType.Video : FlvTagType.Audio;
}
