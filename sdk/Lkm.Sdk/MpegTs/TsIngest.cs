using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.MpegTs;

/// <summary>
/// Turns an MPEG transport stream (H.264 / H.265 video, AAC ADTS audio) into tracks and packets for an
/// <see cref="IPublisher"/>: the demuxer's PES go through the shared <see cref="ElementaryStreamIngest"/> (tracks
/// from in-band parameter sets, AVCC access units, one packet per ADTS frame, 90 kHz time stamps with wrap and
/// jumps handled); what is TS's own is here: the PMT says which streams to carry and wait for, and a video frame
/// split over several bounded PES (hardware encoders' form) is joined. Malformed input is dropped (logged once per
/// kind), never thrown. Not thread safe.
/// </summary>
public sealed partial class TsIngest : ITsPesReceiver, IDisposable
{
    private readonly IPublisher _publisher;
    private readonly ILogger _logger;
    private readonly ElementaryStreamIngest _es;
    private readonly TsDemuxer _demuxer;
    private readonly int _maxPesSize;
    private readonly PooledBufferWriter _pendingVideo = new();
    private bool _pendingActive;
    private CodecId _pendingCodec;
    private long _pendingDts;
    private long _pendingPts;
    private int _videoPid = -1;
    private int _audioPid = -1;
    private long _demuxErrorsLogged;

    /// <summary>
    /// An ingest feeding <paramref name="publisher"/>. <see cref="IPublisher.TracksComplete"/> is called once every
    /// supported stream of the PMT has a track, or after <paramref name="probeWindowMs"/> ms of media.
    /// A PES larger than <paramref name="maxPesSize"/> bytes is dropped.
    /// </summary>
    public TsIngest(IPublisher publisher, ILogger logger, int probeWindowMs = 3000, int maxPesSize = TsDemuxer.DefaultMaxPesSize)
    {
        _publisher = publisher;
        _logger = logger;
        _es = new ElementaryStreamIngest(publisher, logger, "MPEG-TS", probeWindowMs);
        _demuxer = new TsDemuxer(this, maxPesSize);
        _maxPesSize = maxPesSize;
    }

    /// <summary>The demuxer's counters (packets, resyncs, continuity errors, dropped PES).</summary>
    public TsDemuxer Demuxer => _demuxer;

    /// <summary>True once <see cref="IPublisher.TracksComplete"/> was called.</summary>
    public bool TracksCompleted => _es.TracksCompleted;

    /// <summary>Frames dropped (before their track's configuration, empty, broken framing).</summary>
    public long DroppedFrames => _es.DroppedFrames;

    /// <summary>Times the time stamps went back or leapt forward and were re-placed after the last ones.</summary>
    public long Discontinuities => _es.Discontinuities;

    /// <summary>The video track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? VideoTrack => _es.VideoTrack;

    /// <summary>The audio track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? AudioTrack => _es.AudioTrack;

    /// <summary>Reads transport stream bytes in chunks of any size; counts them as received on the publisher.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        _publisher.AddBytesReceived(data.Length);
        long errors = _demuxer.Errors + _demuxer.ContinuityErrors + _demuxer.Resyncs;
        _demuxer.Feed(data);
        long now = _demuxer.Errors + _demuxer.ContinuityErrors + _demuxer.Resyncs;
        if (now != errors && _demuxErrorsLogged++ == 0)
        {
            Log.DemuxError(_logger, _publisher.StreamId, _demuxer.LastError ?? "lost sync", _demuxer.Resyncs, _demuxer.ContinuityErrors);
        }
    }

    /// <summary>Hands over the last video frame (its PES ends only when the next starts): call when the input ends.</summary>
    public void Flush()
    {
        _demuxer.Flush();
        FlushPendingVideo();
    }

    /// <summary>Returns the demuxer's buffers to the pool.</summary>
    public void Dispose()
    {
        _demuxer.Dispose();
        _pendingVideo.Dispose();
    }

    void ITsPesReceiver.OnProgramMap(ProgramMapTable map)
    {
        _videoPid = -1;
        _audioPid = -1;
        foreach (var es in map.Streams)
        {
            switch (es.StreamType)
            {
                case TsStreamType.H264 or TsStreamType.H265 when _videoPid < 0:
                    _videoPid = es.Pid;
                    break;
                case TsStreamType.AacAdts when _audioPid < 0:
                    _audioPid = es.Pid;
                    break;
                case TsStreamType.H264 or TsStreamType.H265 or TsStreamType.AacAdts:
                    break; // a second stream of a kind: the first one is published
                default:
                    _es.Drop(IngestDropReason.UnsupportedStream, $"stream type 0x{es.StreamType:X2} on PID {es.Pid} is not carried");
                    break;
            }
        }

        _es.ExpectTracks(_videoPid >= 0, _audioPid >= 0);
    }

    void ITsPesReceiver.OnPes(in TsPes pes)
    {
        var (dts, pts) = _es.Timestamps(pes.Header.Dts, pes.Header.Pts);
        if (pes.Stream.Pid == _videoPid)
        {
            OnVideoPes(pes.Stream.StreamType == TsStreamType.H265 ? CodecId.H265 : CodecId.H264, dts, pts, pes);
        }
        else if (pes.Stream.Pid == _audioPid)
        {
            _es.WriteAudio(CodecId.Aac, dts, pes.Payload);
        }
    }

    // A video PES of unbounded length (ffmpeg's) is one whole access unit. Bounded ones (PES_packet_length set, as
    // hardware encoders write them) may split a large frame over several PES, the later ones without a PTS: those
    // are joined until the next PES with a PTS starts the next frame.
    private void OnVideoPes(CodecId codec, long dts, long pts, in TsPes pes)
    {
        if (pes.Header.Pts is null && _pendingActive)
        {
            if (_pendingVideo.WrittenCount + pes.Payload.Length > _maxPesSize)
            {
                _pendingVideo.Clear();
                _pendingActive = false;
                _es.Drop(IngestDropReason.Oversized, $"video frame over {_maxPesSize} bytes");
                return;
            }

            _pendingVideo.Write(pes.Payload);
            return;
        }

        FlushPendingVideo();
        if (pes.Header.PacketLength == 0)
        {
            _es.WriteVideo(codec, dts, pts, pes.Payload);
            return;
        }

        (_pendingActive, _pendingCodec, _pendingDts, _pendingPts) = (true, codec, dts, pts);
        _pendingVideo.Write(pes.Payload);
    }

    private void FlushPendingVideo()
    {
        if (!_pendingActive)
        {
            return;
        }

        _pendingActive = false;
        try
        {
            _es.WriteVideo(_pendingCodec, _pendingDts, _pendingPts, _pendingVideo.WrittenSpan);
        }
        finally
        {
            _pendingVideo.Clear();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: MPEG-TS input damaged ({Detail}; resyncs {Resyncs}, continuity errors {ContinuityErrors}); further damage is only counted")]
        public static partial void DemuxError(ILogger logger, string streamId, string detail, long resyncs, long continuityErrors);
    }
}
