using System.Buffers;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Streaming;

/// <summary>
/// Muxes a source's packets into RTMP messages (FLV tag bodies on message stream 1) once for all
/// RTMP players. Every message starts with a fmt-0 chunk carrying its absolute timestamp, so the
/// bytes are valid for any player whatever it received before. Players must have been told the
/// chunk size (<see cref="ChunkSize"/>) with SetChunkSize before the first segment.
/// </summary>
public sealed class RtmpTransStream : ITransStream
{
    /// <summary>Message stream id players get from createStream.</summary>
    public const int MessageStreamId = 1;

    private const int MaxMessageLength = 0xFFFFFF;

    private readonly MergeWriteBuffer _merge;
    private MediaTrack?[] _tracksByIndex = [];
    private IReadOnlyList<MediaTrack> _tracks;
    private StreamMetadata _metadata;
    private Segment _header;
    private long _lastDts;

    public RtmpTransStream(TransStreamContext context, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ChunkSize = chunkSize;
        StreamId = context.StreamId;
        _tracks = Carried(context.Tracks);
        _metadata = context.Metadata;
        _merge = new MergeWriteBuffer(context.MergeWriteMs, HasVideo(_tracks));
        IndexTracks();
        _header = BuildHeader();
    }

    public string StreamId { get; }

    public int ChunkSize { get; }

    public Segment Header => _header;

    public int HeaderVersion { get; private set; } = 1;

    public void Write(in MediaPacket packet, List<Segment> completed)
    {
        var index = packet.TrackIndex;
        if ((uint)index >= (uint)_tracksByIndex.Length || _tracksByIndex[index] is not { } track)
        {
            return;
        }

        // FLV tag header bytes (at most 8) in front of the payload, chunked straight into the segment.
        Span<byte> head = stackalloc byte[16];
        int headLength = FlvTagBody.WriteMediaHeader(head, track, packet);
        if (headLength + packet.Buffer.Length > MaxMessageLength)
        {
            return; // an RTMP message cannot hold it; no player could use it either
        }

        var output = _merge.BeginFrame(packet, track.MediaType, completed);
        WriteMediaMessage(output, track.MediaType, packet.Dts, head[..headLength], packet.Buffer.Span);
        _merge.EndFrame(completed);
        _lastDts = packet.Dts;
    }

    public Segment? Flush() => _merge.Flush();

    public void OnTracksChanged(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, List<Segment> completed)
    {
        if (_merge.Flush() is { } pending)
        {
            completed.Add(pending);
        }

        var previous = _tracksByIndex;
        _tracks = Carried(tracks);
        _metadata = metadata;
        _merge.HasVideo = HasVideo(_tracks);
        IndexTracks();

        // Players already running get the new codec headers in-band, just before the next frame.
        foreach (var track in _tracks)
        {
            var old = (uint)track.Index < (uint)previous.Length ? previous[track.Index] : null;
            if (old is null || old.Codec != track.Codec || !old.CodecConfig.Span.SequenceEqual(track.CodecConfig.Span))
            {
                var sequenceHeader = FlvTagBody.SequenceHeader(track);
                if (sequenceHeader.Length > 0)
                {
                    WriteMediaMessage(_merge.InBand, track.MediaType, _lastDts, sequenceHeader);
                }
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

    /// <summary>Tracks FLV cannot carry (e.g. Opus) are left out of the RTMP output.</summary>
    private static IReadOnlyList<MediaTrack> Carried(IReadOnlyList<MediaTrack> tracks) =>
        tracks.All(t => FlvTagBody.CanCarry(t.Codec)) ? tracks : [.. tracks.Where(t => FlvTagBody.CanCarry(t.Codec))];

    private static bool HasVideo(IReadOnlyList<MediaTrack> tracks) => tracks.Any(t => t.MediaType == MediaType.Video);

    private void IndexTracks()
    {
        int size = _tracks.Count == 0 ? 0 : _tracks.Max(t => t.Index) + 1;
        var byIndex = new MediaTrack?[size];
        foreach (var track in _tracks)
        {
            if (track.Index >= 0)
            {
                byIndex[track.Index] = track;
            }
        }

        _tracksByIndex = byIndex;
    }

    private void WriteMediaMessage(IBufferWriter<byte> output, MediaType mediaType, long dts, ReadOnlySpan<byte> body) =>
        WriteMediaMessage(output, mediaType, dts, [], body);

    private void WriteMediaMessage(IBufferWriter<byte> output, MediaType mediaType, long dts, ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        bool video = mediaType == MediaType.Video;
        RtmpChunkWriter.WriteMessage(
            output,
            video ? RtmpChunkWriter.VideoChunkStream : RtmpChunkWriter.AudioChunkStream,
            video ? RtmpMessageType.Video : RtmpMessageType.Audio,
            unchecked((uint)dts),
            MessageStreamId,
            head,
            body,
            ChunkSize);
    }

    /// <summary>onMetaData + every track's sequence header, at timestamp 0.</summary>
    private Segment BuildHeader()
    {
        var output = new ArrayBufferWriter<byte>(1024);
        var metadata = FlvTagBody.Metadata(_tracks, _metadata);
        RtmpChunkWriter.WriteMessage(output, RtmpChunkWriter.DataChunkStream, RtmpMessageType.DataAmf0, 0, MessageStreamId, metadata, ChunkSize);
        foreach (var track in _tracks)
        {
            var sequenceHeader = FlvTagBody.SequenceHeader(track);
            if (sequenceHeader.Length > 0)
            {
                WriteMediaMessage(output, track.MediaType, 0, sequenceHeader);
            }
        }

        return Segment.CopyOf(output.WrittenSpan);
    }
}
