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
    private FlvCodecHeaders _codecHeaders;
    private Segment _header;
    private long _lastDts;

    public FlvTransStream(TransStreamContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        StreamId = context.StreamId;
        _codecHeaders = new FlvCodecHeaders(context.Tracks, context.Metadata);
        _merge = new MergeWriteBuffer(context.MergeWriteMs, HasVideo);
        _header = BuildHeader();
    }

    public string StreamId { get; }

    public Segment Header => _header;

    public int HeaderVersion { get; private set; }

    public bool HasVideo => _codecHeaders.HasVideo;

    public bool HasAudio => _codecHeaders.HasAudio;

    public void Write(in MediaPacket packet, List<Segment> completed)
    {
        var track = _codecHeaders.TrackOf(packet.TrackIndex);
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

        var previous = _codecHeaders;
        _codecHeaders = new FlvCodecHeaders(tracks, metadata);
        _merge.HasVideo = HasVideo;

        // Players already attached keep their FLV header (a second one would break them); they get
        // the new codec configuration in-band, at the current time, in front of the next frame.
        foreach (var sequenceHeader in _codecHeaders.ChangedSince(previous))
        {
            FlvWriter.WriteTag(_merge.InBand, sequenceHeader.TagType, _lastDts, sequenceHeader.Body.Span);
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

    /// <summary>FLV file header + PreviousTagSize0, onMetaData, then one sequence-header tag per track that has one; all at timestamp 0.</summary>
    private Segment BuildHeader()
    {
        var output = new ArrayBufferWriter<byte>(1024);
        FlvWriter.WriteFileHeader(output, HasAudio, HasVideo);
        FlvWriter.WriteTag(output, FlvTagType.Script, 0, _codecHeaders.Metadata.Span);
        foreach (var sequenceHeader in _codecHeaders.SequenceHeaders)
        {
            FlvWriter.WriteTag(output, sequenceHeader.TagType, 0, sequenceHeader.Body.Span);
        }

        return Segment.CopyOf(output.WrittenSpan);
    }
}
