using System.Diagnostics;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Media;

/// <summary>
/// Turns elementary-stream frames with 90 kHz time stamps — what MPEG-TS, MPEG-PS (GB28181) and RTP carry — into
/// tracks and packets for an <see cref="IPublisher"/>, as <see cref="Flv.FlvIngest"/> does for FLV. Video is Annex-B
/// H.264 / H.265: access units become AVCC (delimiters left out), the decoder configuration record comes from the
/// in-band parameter sets, and a change of them updates the track. Audio is AAC with ADTS framing (a packet per
/// frame) or G.711 A/µ-law. Time stamps become milliseconds from the first one: 33-bit wrap handled, and when they
/// go back or leap forward (an encoder restarted) they go on from where they left off plus the time that passed;
/// a frame without one takes the last. Tracks may come in any order and late (audio seconds after video): the
/// publisher is told they are complete once every expected one is there (<see cref="ExpectTracks"/>) or after the
/// probe window. Malformed input is dropped (logged once per kind), never thrown. Not thread safe.
/// </summary>
public sealed partial class ElementaryStreamIngest
{
    // Audio and video may be a second or more apart in a multiplex (interleaving, B-frames).
    private const long MaxBackwardMs = 3000;
    private const long MaxForwardMs = 10_000;

    private readonly IPublisher _publisher;
    private readonly ILogger _logger;
    private readonly string _format;
    private readonly PublisherTracks _tracks;
    private MpegTimestampUnwrapper _clock;
    private long _firstMs = -1;
    private long _lastMs;
    private long _rebaseMs;
    private long _lastArrival;
    private IngestDropReason _loggedDrops;

    // The audio track the last ADTS config set (or found equal), and that config.
    private MediaTrack? _aacTrack;
    private (int ObjectType, int RateIndex, int Channels) _aacKey;

    /// <summary>
    /// An ingest feeding <paramref name="publisher"/>; <paramref name="format"/> names the container in log lines
    /// (<c>MPEG-TS</c>, <c>MPEG-PS</c>); tracks are complete after <paramref name="probeWindowMs"/> ms of media at the latest.
    /// </summary>
    public ElementaryStreamIngest(IPublisher publisher, ILogger logger, string format, int probeWindowMs = 3000)
    {
        _publisher = publisher;
        _logger = logger;
        _format = format;
        _tracks = new PublisherTracks(publisher, logger, probeWindowMs, waitForBothWhenUnannounced: false);
    }

    /// <summary>True once <see cref="IPublisher.TracksComplete"/> was called.</summary>
    public bool TracksCompleted => _tracks.Completed;

    /// <summary>Frames dropped (before their track's configuration, empty, broken framing, over a bound).</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Times the time stamps went back or leapt forward and were re-placed after the last ones.</summary>
    public long Discontinuities { get; private set; }

    /// <summary>The video track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? VideoTrack => _tracks.Video;

    /// <summary>The audio track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? AudioTrack => _tracks.Audio;

    /// <summary>The container's map (PMT, PSM) says which tracks to wait for: once they are all there, tracks are complete at once.</summary>
    public void ExpectTracks(bool video, bool audio) => _tracks.Expect(video, audio);

    /// <summary>Milliseconds of the 90 kHz <paramref name="dts90"/> (and <paramref name="pts90"/>) on the stream's timeline; call once per frame, in arrival order.</summary>
    public (long Dts, long Pts) Timestamps(long? dts90, long? pts90)
    {
        long? decode = dts90 ?? pts90;
        long arrived = Stopwatch.GetTimestamp();
        long dts = decode is { } d ? _clock.ToSignedMilliseconds(d) + _rebaseMs : _lastMs;
        if (decode is { } restart && _firstMs >= 0 && IsDiscontinuity(dts, arrived, out long sinceLastMs))
        {
            // An encoder restarted or its clock jumped: its time stamps go on from here as they come, placed where
            // the last ones left off plus the time that passed, so players neither stall nor skip.
            _clock.Reset();
            _rebaseMs = _lastMs + Math.Max(1, sinceLastMs);
            dts = _clock.ToMilliseconds(restart) + _rebaseMs;
            Discontinuities++;
            Drop(IngestDropReason.TimestampJump, $"time stamps jumped; continuing {Math.Max(1, sinceLastMs)} ms after the last");
        }

        // A little before the first (audio ahead of the first video): starts at 0.
        dts = Math.Max(0, dts);
        _lastArrival = arrived;
        long pts = pts90 is { } p ? Math.Max(dts, _clock.ToMilliseconds(p) + _rebaseMs) : dts;
        _lastMs = Math.Max(_lastMs, dts);
        if (_firstMs < 0)
        {
            _firstMs = dts;
            _tracks.Started(dts);
        }

        return (dts, pts);
    }

    /// <summary>One Annex-B access unit of <paramref name="codec"/> (H.264 or H.265) at <paramref name="dts"/>/<paramref name="pts"/> ms (from <see cref="Timestamps"/>).</summary>
    public void WriteVideo(CodecId codec, long dts, long pts, ReadOnlySpan<byte> annexB)
    {
        int length = 0;
        bool keyFrame = false, parameterSets = false;
        foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
        {
            if (IsDelimiter(codec, unit[0], out int type))
            {
                continue;
            }

            keyFrame |= codec == CodecId.H264 ? type == H264.NalIdr : H265.IsIrap(type);
            parameterSets |= type == (codec == CodecId.H264 ? H264.NalSps : H265.NalSps);
            length += 4 + unit.Length;
        }

        if (length == 0)
        {
            Drop(IngestDropReason.Empty, "video frame without NAL units");
            return;
        }

        if (parameterSets && VideoTrackOf(codec, annexB) is { } track)
        {
            _tracks.SetVideo(track, dts);
        }

        if (_tracks.Video is not { } video || video.Codec != codec)
        {
            Drop(IngestDropReason.FrameBeforeConfig, $"{codec.Name()} frame before its parameter sets");
            return;
        }

        var buffer = PooledBuffer.Rent(length);
        try
        {
            int written = 0;
            var span = buffer.Span;
            foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
            {
                if (!IsDelimiter(codec, unit[0], out _))
                {
                    written += Avcc.WriteNalUnit(unit, span[written..]);
                }
            }

            _tracks.Write(new MediaPacket(video.Index, dts, pts, keyFrame, buffer));
        }
        finally
        {
            buffer.Release();
        }
    }

    /// <summary>Audio of <paramref name="codec"/> at <paramref name="dts"/> ms: AAC as ADTS frames (one packet each), or a run of G.711 samples.</summary>
    public void WriteAudio(CodecId codec, long dts, ReadOnlySpan<byte> data)
    {
        if (G711.IsG711(codec))
        {
            if (data.IsEmpty)
            {
                Drop(IngestDropReason.Empty, "G.711 frame without samples");
                return;
            }

            _tracks.SetAudio(G711.Track(codec), dts);
            WriteAudioPacket(dts, data);
            return;
        }

        var frames = AdtsHeader.EnumerateFrames(data);
        int index = 0;
        while (frames.MoveNext())
        {
            var frame = frames.Current;
            var header = frame.Header;
            if (frame.Payload.IsEmpty || header.ObjectType is < 1 or > 4 || header.SampleRate == 0)
            {
                Drop(IngestDropReason.BrokenAdts, "ADTS frame without payload or with an unsupported object type");
                continue;
            }

            // Every ADTS frame repeats the config: the track (and its config array) is built only when it differs from
            // the one this header gave last time, not per frame.
            var aacKey = (header.ObjectType, header.SampleRateIndex, header.ChannelConfiguration);
            if (_tracks.Audio is null || !ReferenceEquals(_tracks.Audio, _aacTrack) || aacKey != _aacKey)
            {
                _tracks.SetAudio(
                    new MediaTrack
                    {
                        Codec = CodecId.Aac,
                        CodecConfig = header.ToAudioSpecificConfigBytes(),
                        SampleRate = header.SampleRate,
                        Channels = Math.Max(1, header.Channels),
                    },
                    dts);
                _aacTrack = _tracks.Audio;
                _aacKey = aacKey;
            }

            WriteAudioPacket(dts + (index * Aac.SamplesPerFrame * 1000L / header.SampleRate), frame.Payload);
            index++;
        }

        if (frames.Consumed < data.Length)
        {
            Drop(IngestDropReason.BrokenAdts, $"{data.Length - frames.Consumed} bytes of audio without a whole ADTS frame");
        }
    }

    /// <summary>Counts (except unsupported streams and time stamp jumps) and logs the first of each kind.</summary>
    public void Drop(IngestDropReason reason, string detail)
    {
        if (reason is not (IngestDropReason.UnsupportedStream or IngestDropReason.TimestampJump))
        {
            DroppedFrames++;
        }

        if ((_loggedDrops & reason) == 0)
        {
            _loggedDrops |= reason;
            Log.Dropped(_logger, _publisher.StreamId, _format, reason.ToString(), detail);
        }
    }

    private void WriteAudioPacket(long timestamp, ReadOnlySpan<byte> payload)
    {
        var buffer = PooledBuffer.CopyOf(payload);
        try
        {
            _tracks.Write(new MediaPacket(_tracks.Audio!.Index, timestamp, timestamp, isKeyFrame: true, buffer));
        }
        finally
        {
            buffer.Release();
        }
    }

    private static bool IsDelimiter(CodecId codec, byte nalHeader, out int type)
    {
        type = codec == CodecId.H264 ? H264.NalType(nalHeader) : H265.NalType(nalHeader);
        return type == (codec == CodecId.H264 ? H264.NalAud : H265.NalAud);
    }

    // Back by more than interleaving explains, or ahead by far more than the time that passed.
    private bool IsDiscontinuity(long dts, long arrived, out long sinceLastMs)
    {
        sinceLastMs = (long)Stopwatch.GetElapsedTime(_lastArrival, arrived).TotalMilliseconds;
        return dts < _lastMs - MaxBackwardMs || dts > _lastMs + MaxForwardMs + sinceLastMs;
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

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: {Format} dropping ({Reason}: {Detail}); further drops of this kind are only counted")]
        public static partial void Dropped(ILogger logger, string streamId, string format, string reason, string detail);
    }
}
