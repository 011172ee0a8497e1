using System.Buffers;
using System.Diagnostics;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.MpegTs;

/// <summary>
/// Turns an MPEG transport stream (H.264 / H.265 video, AAC ADTS audio) into tracks and packets for an
/// <see cref="IPublisher"/>, the way <see cref="Flv.FlvIngest"/> does for FLV: video becomes AVCC access units
/// (access unit delimiters left out; a frame split over several bounded PES is joined) with the decoder
/// configuration record built from the in-band parameter sets,
/// audio becomes raw AAC frames (one packet per ADTS frame), 90 kHz time stamps become milliseconds from the first
/// one (33-bit wrap handled; when they go back or leap forward — an encoder restarted — they go on from where they
/// left off plus the time that passed). Malformed input is dropped (logged once per kind), never thrown. Not thread safe.
/// </summary>
public sealed partial class TsIngest : ITsPesReceiver, IDisposable
{
    // Audio and video PES may be a second or more apart in the stream (muxers' interleaving, B-frames).
    private const long MaxBackwardMs = 3000;
    private const long MaxForwardMs = 10_000;

    private readonly IPublisher _publisher;
    private readonly ILogger _logger;
    private readonly int _probeWindowMs;
    private readonly TsDemuxer _demuxer;
    private readonly int _maxPesSize;
    private readonly PooledBufferWriter _pendingVideo = new();
    private bool _pendingActive;
    private CodecId _pendingCodec;
    private long _pendingDts;
    private long _pendingPts;
    private MpegTimestampUnwrapper _clock;
    private long _firstMs = -1;
    private long _lastMs;
    private long _rebaseMs;
    private long _lastArrival;
    private int _videoPid = -1;
    private int _audioPid = -1;
    private bool _expectVideo;
    private bool _expectAudio;
    private bool _mapKnown;
    private MediaTrack? _video;
    private MediaTrack? _audio;
    private long _demuxErrorsLogged;
    private TsDropReason _loggedDrops;

    /// <summary>
    /// An ingest feeding <paramref name="publisher"/>. <see cref="IPublisher.TracksComplete"/> is called once every
    /// supported stream of the PMT has a track, or after <paramref name="probeWindowMs"/> ms of media.
    /// A PES larger than <paramref name="maxPesSize"/> bytes is dropped.
    /// </summary>
    public TsIngest(IPublisher publisher, ILogger logger, int probeWindowMs = 3000, int maxPesSize = TsDemuxer.DefaultMaxPesSize)
    {
        _publisher = publisher;
        _logger = logger;
        _probeWindowMs = Math.Max(0, probeWindowMs);
        _demuxer = new TsDemuxer(this, maxPesSize);
        _maxPesSize = maxPesSize;
    }

    /// <summary>The demuxer's counters (packets, resyncs, continuity errors, dropped PES).</summary>
    public TsDemuxer Demuxer => _demuxer;

    /// <summary>True once <see cref="IPublisher.TracksComplete"/> was called.</summary>
    public bool TracksCompleted { get; private set; }

    /// <summary>Frames dropped (before their track's configuration, empty, broken framing).</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Times the time stamps went back or leapt forward and were re-placed after the last ones.</summary>
    public long Discontinuities { get; private set; }

    /// <summary>The video track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? VideoTrack => _video;

    /// <summary>The audio track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? AudioTrack => _audio;

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
        _mapKnown = true;
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
                    Drop(TsDropReason.UnsupportedStream, $"stream type 0x{es.StreamType:X2} on PID {es.Pid} is not carried");
                    break;
            }
        }

        _expectVideo = _videoPid >= 0;
        _expectAudio = _audioPid >= 0;
    }

    void ITsPesReceiver.OnPes(in TsPes pes)
    {
        long? dts90 = pes.Header.Dts ?? pes.Header.Pts;
        long arrived = Stopwatch.GetTimestamp();
        long dts = dts90 is { } d ? _clock.ToSignedMilliseconds(d) + _rebaseMs : _lastMs;
        if (dts90 is { } restart && _firstMs >= 0 && IsDiscontinuity(dts, arrived, out long sinceLastMs))
        {
            // An encoder restarted or its clock jumped: the time stamps go on from here as they come, placed where
            // the last ones left off plus the time that passed, so players neither stall nor skip.
            _clock.Reset();
            _rebaseMs = _lastMs + Math.Max(1, sinceLastMs);
            dts = _clock.ToMilliseconds(restart) + _rebaseMs;
            Discontinuities++;
            Drop(TsDropReason.TimestampJump, $"time stamps jumped; continuing {Math.Max(1, sinceLastMs)} ms after the last");
        }

        // A little before the first (audio ahead of the first video): starts at 0.
        dts = Math.Max(0, dts);
        _lastArrival = arrived;
        long pts = pes.Header.Pts is { } p ? Math.Max(dts, _clock.ToMilliseconds(p) + _rebaseMs) : dts;
        _lastMs = Math.Max(_lastMs, dts);
        if (_firstMs < 0)
        {
            _firstMs = dts;
        }

        if (pes.Stream.Pid == _videoPid)
        {
            OnVideoPes(pes.Stream.StreamType == TsStreamType.H265 ? CodecId.H265 : CodecId.H264, dts, pts, pes);
        }
        else if (pes.Stream.Pid == _audioPid)
        {
            OnAudio(dts, pes.Payload);
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
                Drop(TsDropReason.Oversized, $"video frame over {_maxPesSize} bytes");
                return;
            }

            _pendingVideo.Write(pes.Payload);
            return;
        }

        FlushPendingVideo();
        if (pes.Header.PacketLength == 0)
        {
            OnVideo(codec, dts, pts, pes.Payload);
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
            OnVideo(_pendingCodec, _pendingDts, _pendingPts, _pendingVideo.WrittenSpan);
        }
        finally
        {
            _pendingVideo.Clear();
        }
    }

    private void OnVideo(CodecId codec, long dts, long pts, ReadOnlySpan<byte> annexB)
    {
        int length = 0;
        bool keyFrame = false, parameterSets = false;
        foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
        {
            if (codec == CodecId.H264)
            {
                int type = H264.NalType(unit[0]);
                if (type == H264.NalAud)
                {
                    continue;
                }

                keyFrame |= type == H264.NalIdr;
                parameterSets |= type == H264.NalSps;
            }
            else
            {
                int type = H265.NalType(unit[0]);
                if (type == H265.NalAud)
                {
                    continue;
                }

                keyFrame |= H265.IsIrap(type);
                parameterSets |= type == H265.NalSps;
            }

            length += 4 + unit.Length;
        }

        if (length == 0)
        {
            Drop(TsDropReason.Empty, "video PES without NAL units");
            return;
        }

        if (parameterSets && VideoTrackOf(codec, annexB) is { } track)
        {
            SetTrack(ref _video, track, dts);
        }

        if (_video is null || _video.Codec != codec)
        {
            Drop(TsDropReason.FrameBeforeConfig, $"{codec.Name()} frame before its parameter sets");
            return;
        }

        var buffer = PooledBuffer.Rent(length);
        try
        {
            int written = 0;
            var span = buffer.Span;
            foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
            {
                int type = codec == CodecId.H264 ? H264.NalType(unit[0]) : H265.NalType(unit[0]);
                if (type != (codec == CodecId.H264 ? H264.NalAud : H265.NalAud))
                {
                    written += Avcc.WriteNalUnit(unit, span[written..]);
                }
            }

            Write(new MediaPacket(_video.Index, dts, pts, keyFrame, buffer));
        }
        finally
        {
            buffer.Release();
        }
    }

    private static MediaTrack? VideoTrackOf(CodecId codec, ReadOnlySpan<byte> annexB)
    {
        if (codec == CodecId.H264)
        {
            if (AvcDecoderConfigurationRecord.FromAccessUnit(annexB, annexB: true) is not { } avc)
            {
                return null;
            }

            H264Sps.TryParse(avc.SequenceParameterSets[0], out var sps);
            return new MediaTrack { Codec = codec, CodecConfig = avc.ToArray(), Width = sps?.Width ?? 0, Height = sps?.Height ?? 0 };
        }

        if (HevcDecoderConfigurationRecord.FromAccessUnit(annexB, annexB: true) is not { } hevc)
        {
            return null;
        }

        H265Sps.TryParse(hevc.SequenceParameterSets[0], out var hsps);
        return new MediaTrack { Codec = codec, CodecConfig = hevc.ToArray(), Width = hsps?.Width ?? 0, Height = hsps?.Height ?? 0 };
    }

    private void OnAudio(long dts, ReadOnlySpan<byte> adts)
    {
        var frames = AdtsHeader.EnumerateFrames(adts);
        int index = 0;
        while (frames.MoveNext())
        {
            var frame = frames.Current;
            var header = frame.Header;
            if (frame.Payload.IsEmpty || header.ObjectType is < 1 or > 4 || header.SampleRate == 0)
            {
                Drop(TsDropReason.BrokenAdts, "ADTS frame without payload or with an unsupported object type");
                continue;
            }

            var track = new MediaTrack
            {
                Codec = CodecId.Aac,
                CodecConfig = header.ToAudioSpecificConfigBytes(),
                SampleRate = header.SampleRate,
                Channels = Math.Max(1, header.Channels),
            };
            if (_audio is null || !SameTrack(_audio, track))
            {
                SetTrack(ref _audio, track, dts);
            }

            long timestamp = dts + (index * Aac.SamplesPerFrame * 1000L / header.SampleRate);
            index++;
            var buffer = PooledBuffer.CopyOf(frame.Payload);
            try
            {
                Write(new MediaPacket(_audio!.Index, timestamp, timestamp, isKeyFrame: true, buffer));
            }
            finally
            {
                buffer.Release();
            }
        }

        if (frames.Consumed < adts.Length)
        {
            Drop(TsDropReason.BrokenAdts, $"{adts.Length - frames.Consumed} bytes of audio PES without a whole ADTS frame");
        }
    }

    private void SetTrack(ref MediaTrack? current, MediaTrack track, long dts)
    {
        if (current is null)
        {
            int index = _publisher.AddTrack(track);
            current = track with { Index = index };
            Log.TrackAdded(_logger, _publisher.StreamId, current.ToString());
            CheckTracksComplete(dts);
        }
        else if (!SameTrack(current, track))
        {
            current = track with { Index = current.Index };
            _publisher.UpdateTrack(current);
            Log.TrackUpdated(_logger, _publisher.StreamId, current.ToString());
        }
    }

    private static bool SameTrack(MediaTrack current, MediaTrack candidate) =>
        current.Codec == candidate.Codec
        && current.Width == candidate.Width
        && current.Height == candidate.Height
        && current.SampleRate == candidate.SampleRate
        && current.Channels == candidate.Channels
        && current.CodecConfig.Span.SequenceEqual(candidate.CodecConfig.Span);

    private void Write(in MediaPacket packet)
    {
        CheckTracksComplete(packet.Dts);
        _publisher.Write(packet);
    }

    private void CheckTracksComplete(long dts)
    {
        if (TracksCompleted || (_video is null && _audio is null))
        {
            return;
        }

        bool complete = _mapKnown && (!_expectVideo || _video is not null) && (!_expectAudio || _audio is not null);
        if (!complete && dts - _firstMs >= _probeWindowMs)
        {
            complete = true;
        }

        if (complete)
        {
            TracksCompleted = true;
            Log.TracksComplete(_logger, _publisher.StreamId, _video?.ToString() ?? "none", _audio?.ToString() ?? "none");
            _publisher.TracksComplete();
        }
    }

    // Back by more than interleaving explains, or ahead by far more than the time that passed.
    private bool IsDiscontinuity(long dts, long arrived, out long sinceLastMs)
    {
        sinceLastMs = (long)Stopwatch.GetElapsedTime(_lastArrival, arrived).TotalMilliseconds;
        return dts < _lastMs - MaxBackwardMs || dts > _lastMs + MaxForwardMs + sinceLastMs;
    }

    private void Drop(TsDropReason reason, string detail)
    {
        if (reason is not (TsDropReason.UnsupportedStream or TsDropReason.TimestampJump))
        {
            DroppedFrames++;
        }

        if ((_loggedDrops & reason) == 0)
        {
            _loggedDrops |= reason;
            Log.Dropped(_logger, _publisher.StreamId, reason.ToString(), detail);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: track added: {Track}")]
        public static partial void TrackAdded(ILogger logger, string streamId, string track);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: track changed: {Track}")]
        public static partial void TrackUpdated(ILogger logger, string streamId, string track);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {StreamId}: tracks complete (video: {Video}, audio: {Audio})")]
        public static partial void TracksComplete(ILogger logger, string streamId, string video, string audio);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: MPEG-TS dropping ({Reason}: {Detail}); further drops of this kind are only counted")]
        public static partial void Dropped(ILogger logger, string streamId, string reason, string detail);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: MPEG-TS input damaged ({Detail}; resyncs {Resyncs}, continuity errors {ContinuityErrors}); further damage is only counted")]
        public static partial void DemuxError(ILogger logger, string streamId, string detail, long resyncs, long continuityErrors);
    }
}
