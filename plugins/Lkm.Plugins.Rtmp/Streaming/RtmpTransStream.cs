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
    private FlvCodecHeaders _codecHeaders;
    private Segment _header;
    private long _lastDts;

    public RtmpTransStream(TransStreamContext context, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ChunkSize = chunkSize;
        StreamId = context.StreamId;
        _codecHeaders = new FlvCodecHeaders(context.Tracks, context.Metadata);
        _merge = new MergeWriteBuffer(context.MergeWriteMs, _codecHeaders.HasVideo);
        _header = BuildHeader();
    }

    public string StreamId { get; }

    public int ChunkSize { get; }

    public Segment Header => _header;

    public int HeaderVersion { get; private set; } = 1;

    public void Write(in MediaPacket packet, List<Segment> completed)
    {
        if (_codecHeaders.TrackOf(packet.TrackIndex) is not { } track)
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
        WriteMediaMessage(output, track.MediaType == MediaType.Video, packet.Dts, head[..headLength], packet.Buffer.Span);
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

        var previous = _codecHeaders;
        _codecHeaders = new FlvCodecHeaders(tracks, metadata);
        _merge.HasVideo = _codecHeaders.HasVideo;

        // Players already running get the new codec headers in-band, just before the next frame.
        foreach (var sequenceHeader in _codecHeaders.ChangedSince(previous))
        {
            WriteMediaMessage(_merge.InBand, sequenceHeader.TagType, _lastDts, sequenceHeader.Body.Span);
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

    private void WriteMediaMessage(IBufferWriter<byte> output, FlvTagType tagType, long dts, ReadOnlySpan<byte> body) =>
        WriteMediaMessage(output, tagType == FlvTagType.Video, dts, [], body);

    private void WriteMediaMessage(IBufferWriter<byte> output, bool video, long dts, ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
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
        RtmpChunkWriter.WriteMessage(output, RtmpChunkWriter.DataChunkStream, RtmpMessageType.DataAmf0, 0, MessageStreamId, _codecHeaders.Metadata.Span, ChunkSize);
        foreach (var sequenceHeader in _codecHeaders.SequenceHeaders)
        {
            WriteMediaMessage(output, sequenceHeader.TagType, 0, sequenceHeader.Body.Span);
        }

        return Segment.CopyOf(output.WrittenSpan);
    }
}
