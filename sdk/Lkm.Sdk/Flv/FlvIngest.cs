using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Flv;

/// <summary>
/// Turns FLV tag bodies (from RTMP messages or an FLV file) into tracks and packets for an
/// <see cref="IPublisher"/>. Malformed or unsupported bodies are dropped (logged once per kind), never thrown.
/// Not thread safe: one ingest session calls it.
/// </summary>
public sealed partial class FlvIngest
{
    private const int NalLengthSize = 4;

    private readonly IPublisher _publisher;
    private readonly ILogger _logger;
    private readonly int _probeWindowMs;
    private TimestampUnwrapper _clock;
    private long _firstTimestamp;
    private bool _mediaStarted;

    private MediaTrack? _video;
    private int _videoLengthSize = NalLengthSize;
    private MediaTrack? _audio;

    // What onMetaData announced; when it announced nothing we wait for both kinds (or the probe window).
    private bool _metadataKnown;
    private bool _expectVideo;
    private bool _expectAudio;

    private DropReason _loggedDrops;

    public FlvIngest(IPublisher publisher, ILogger logger, int probeWindowMs = 3000)
    {
        _publisher = publisher;
        _logger = logger;
        _probeWindowMs = Math.Max(0, probeWindowMs);
    }

    [Flags]
    private enum DropReason
    {
        None = 0,
        Empty = 1,
        UnsupportedVideoCodec = 2,
        UnsupportedAudioCodec = 4,
        UnsupportedPacketType = 8,
        BadVideoConfig = 16,
        BadAudioConfig = 32,
        FrameBeforeConfig = 64,
        BadNalFraming = 128,
        Malformed = 256,
    }

    /// <summary>True once <see cref="IPublisher.TracksComplete"/> was called.</summary>
    public bool TracksCompleted { get; private set; }

    /// <summary>Tags dropped as malformed or unsupported.</summary>
    public long DroppedTags { get; private set; }

    /// <summary>The current video track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? VideoTrack => _video;

    /// <summary>The current audio track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? AudioTrack => _audio;

    /// <summary>Remembers which tracks onMetaData announces and passes the metadata to the publisher.</summary>
    public void OnMetadata(StreamMetadata metadata)
    {
        bool video = Announces(metadata["videocodecid"]);
        bool audio = Announces(metadata["audiocodecid"]);
        if (metadata["hasVideo"] is bool hasVideo)
        {
            video = hasVideo;
        }

        if (metadata["hasAudio"] is bool hasAudio)
        {
            audio = hasAudio;
        }

        if (video || audio)
        {
            _metadataKnown = true;
            _expectVideo = video;
            _expectAudio = audio;
        }

        _publisher.SetMetadata(metadata);
        if (_mediaStarted)
        {
            CheckTracksComplete(_clock.Last);
        }
    }

    public void OnVideo(uint timestamp, in ReadOnlySequence<byte> body)
    {
        long dts = Start(timestamp);
        try
        {
            ParseVideo(dts, body);
        }
        catch (FormatException ex)
        {
            Drop(DropReason.Malformed, ex.Message);
        }
    }

    public void OnAudio(uint timestamp, in ReadOnlySequence<byte> body)
    {
        long dts = Start(timestamp);
        try
        {
            ParseAudio(dts, body);
        }
        catch (FormatException ex)
        {
            Drop(DropReason.Malformed, ex.Message);
        }
    }

    private static bool Announces(object? codecId) => codecId switch
    {
        double number => number > 0,
        string text => text.Length > 0,
        bool flag => flag,
        _ => false,
    };

    private long Start(uint timestamp)
    {
        long dts = _clock.Unwrap(timestamp);
        if (!_mediaStarted)
        {
            _mediaStarted = true;
            _firstTimestamp = dts;
        }

        return dts;
    }

    private void ParseVideo(long dts, in ReadOnlySequence<byte> body)
    {
        Span<byte> header = stackalloc byte[8];
        int headerLength = (int)Math.Min(body.Length, header.Length);
        body.Slice(0, headerLength).CopyTo(header);
        if (headerLength == 0)
        {
            Drop(DropReason.Empty, "empty video tag");
            return;
        }

        byte first = header[0];
        if ((first & 0x80) != 0)
        {
            ParseEnhancedVideo(dts, body, header[..headerLength]);
            return;
        }

        int frameType = first >> 4;
        int codecId = first & 0x0F;
        if (frameType == 5)
        {
            return; // video info / command frame: no picture
        }

        var codec = codecId switch
        {
            FlvCodecIds.VideoAvc => CodecId.H264,
            FlvCodecIds.VideoHevcLegacy => CodecId.H265,
            _ => CodecId.Unknown,
        };
        if (codec == CodecId.Unknown)
        {
            Drop(DropReason.UnsupportedVideoCodec, $"video codec id {codecId}");
            return;
        }

        if (headerLength < 5)
        {
            Drop(DropReason.Malformed, "video tag shorter than its AVC header");
            return;
        }

        switch (header[1])
        {
            case 0:
                OnVideoConfig(codec, body.Slice(5), dts);
                break;
            case 1:
                OnVideoFrame(codec, dts, FlvTagBody.ReadInt24(header[2..]), frameType == 1, body.Slice(5));
                break;
            case 2:
                break; // end of sequence
            default:
                Drop(DropReason.UnsupportedPacketType, $"AVC packet type {header[1]}");
                break;
        }
    }

    private void ParseEnhancedVideo(long dts, in ReadOnlySequence<byte> body, ReadOnlySpan<byte> header)
    {
        int frameType = (header[0] >> 4) & 0x07;
        int packetType = header[0] & 0x0F;
        if (header.Length < 5)
        {
            Drop(DropReason.Malformed, "enhanced video tag shorter than its header");
            return;
        }

        uint fourCc = FlvTagBody.ReadFourCc(header[1..]);
        var codec = FlvFourCc.ToCodec(fourCc);
        if (codec == CodecId.Unknown)
        {
            Drop(DropReason.UnsupportedVideoCodec, $"video FourCC 0x{fourCc:X8}");
            return;
        }

        if (frameType == 5 && packetType != 0)
        {
            return; // command frame
        }

        bool hasCompositionTime = codec is CodecId.H264 or CodecId.H265;
        switch (packetType)
        {
            case 0: // SequenceStart
                OnVideoConfig(codec, body.Slice(5), dts);
                break;
            case 1 when hasCompositionTime: // CodedFrames with SI24 composition time
                if (header.Length < 8)
                {
                    Drop(DropReason.Malformed, "coded frame shorter than its composition time");
                    return;
                }

                OnVideoFrame(codec, dts, FlvTagBody.ReadInt24(header[5..]), frameType == 1, body.Slice(8));
                break;
            case 1: // CodedFrames of codecs without composition time
            case 3: // CodedFramesX
                OnVideoFrame(codec, dts, 0, frameType == 1, body.Slice(5));
                break;
            case 2: // SequenceEnd
            case 4: // Metadata (HDR info)
                break;
            default:
                Drop(DropReason.UnsupportedPacketType, $"enhanced video packet type {packetType}");
                break;
        }
    }

    private void OnVideoConfig(CodecId codec, in ReadOnlySequence<byte> configBytes, long dts)
    {
        if (configBytes.IsEmpty)
        {
            Drop(DropReason.BadVideoConfig, $"empty {codec.Name()} sequence header");
            return;
        }

        var config = configBytes.ToArray();
        int lengthSize = NalLengthSize;
        int width = 0, height = 0;
        switch (codec)
        {
            case CodecId.H264:
                if (!AvcDecoderConfigurationRecord.TryParse(config, out var avc))
                {
                    Drop(DropReason.BadVideoConfig, "unreadable AVCDecoderConfigurationRecord");
                    return;
                }

                lengthSize = avc!.NalLengthSize;
                if (H264Sps.TryParse(avc.SequenceParameterSets[0], out var sps))
                {
                    (width, height) = (sps!.Width, sps.Height);
                }

                if (lengthSize != NalLengthSize)
                {
                    config[4] |= 0x03; // frames are converted to 4-byte lengths
                }

                break;
            case CodecId.H265:
                if (!HevcDecoderConfigurationRecord.TryParse(config, out var hevc))
                {
                    Drop(DropReason.BadVideoConfig, "unreadable HEVCDecoderConfigurationRecord");
                    return;
                }

                lengthSize = hevc!.NalLengthSize;
                if (H265Sps.TryParse(hevc.SequenceParameterSets[0], out var hsps))
                {
                    (width, height) = (hsps!.Width, hsps.Height);
                }

                if (lengthSize != NalLengthSize)
                {
                    config[21] |= 0x03;
                }

                break;
        }

        SetVideoTrack(new MediaTrack { Codec = codec, CodecConfig = config, Width = width, Height = height }, lengthSize, dts);
    }

    private void SetVideoTrack(MediaTrack track, int lengthSize, long dts)
    {
        _videoLengthSize = lengthSize;
        if (_video is null)
        {
            int index = _publisher.AddTrack(track);
            _video = track with { Index = index };
            Log.TrackAdded(_logger, _publisher.StreamId, _video.ToString());
            CheckTracksComplete(dts);
        }
        else if (!SameTrack(_video, track))
        {
            _video = track with { Index = _video.Index };
            _publisher.UpdateTrack(_video);
            Log.TrackUpdated(_logger, _publisher.StreamId, _video.ToString());
        }
    }

    private void OnVideoFrame(CodecId codec, long dts, int compositionTime, bool isKeyFrame, in ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            Drop(DropReason.Empty, "empty video frame");
            return;
        }

        bool isNalCodec = codec is CodecId.H264 or CodecId.H265;
        if (_video is not null && _video.Codec != codec)
        {
            Drop(DropReason.FrameBeforeConfig, $"{codec.Name()} frame while the track is {_video.Codec.Name()}");
            return;
        }

        var buffer = isNalCodec ? CopyAsAvcc(payload, _video is null ? NalLengthSize : _videoLengthSize) : PooledBuffer.CopyOf(payload);
        if (buffer is null)
        {
            Drop(DropReason.BadNalFraming, $"{codec.Name()} frame with broken NAL unit lengths");
            return;
        }

        try
        {
            if (_video is null && !TryAddVideoTrackFromFrame(codec, buffer.Span, dts))
            {
                Drop(DropReason.FrameBeforeConfig, $"{codec.Name()} frame before its sequence header");
                return;
            }

            CheckTracksComplete(dts);
            _publisher.Write(new MediaPacket(_video!.Index, dts, dts + compositionTime, isKeyFrame, buffer));
        }
        finally
        {
            buffer.Release();
        }
    }

    // Some encoders never send a sequence header but repeat SPS/PPS(/VPS) in front of keyframes.
    private bool TryAddVideoTrackFromFrame(CodecId codec, ReadOnlySpan<byte> avcc, long dts)
    {
        MediaTrack? track = null;
        if (codec == CodecId.H264 && AvcDecoderConfigurationRecord.FromAccessUnit(avcc, annexB: false) is { } avc)
        {
            H264Sps.TryParse(avc.SequenceParameterSets[0], out var sps);
            track = new MediaTrack { Codec = codec, CodecConfig = avc.ToArray(), Width = sps?.Width ?? 0, Height = sps?.Height ?? 0 };
        }
        else if (codec == CodecId.H265 && HevcDecoderConfigurationRecord.FromAccessUnit(avcc, annexB: false) is { } hevc)
        {
            var sps = hevc.ParseSps();
            track = new MediaTrack { Codec = codec, CodecConfig = hevc.ToArray(), Width = sps.Width, Height = sps.Height };
        }

        if (track is null)
        {
            return false;
        }

        SetVideoTrack(track, NalLengthSize, dts);
        return true;
    }

    // One copy from the tag into a pooled buffer, converting NAL length prefixes to 4 bytes when needed.
    private static PooledBuffer? CopyAsAvcc(in ReadOnlySequence<byte> payload, int lengthSize)
    {
        if (lengthSize == NalLengthSize)
        {
            var buffer = PooledBuffer.CopyOf(payload);
            if (Avcc.IsValid(buffer.Span, NalLengthSize))
            {
                return buffer;
            }

            buffer.Release();
            return null;
        }

        var source = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        int length = Avcc.LengthWith4ByteLengths(source, lengthSize);
        if (length < 0)
        {
            return null;
        }

        var converted = PooledBuffer.Rent(length);
        Avcc.ConvertTo4ByteLengths(source, lengthSize, converted.Span);
        return converted;
    }

    private void ParseAudio(long dts, in ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            Drop(DropReason.Empty, "empty audio tag");
            return;
        }

        byte flags = ByteAt(body, 0);
        int format = flags >> 4;
        switch (format)
        {
            case FlvCodecIds.AudioAac:
                ParseAac(dts, body);
                break;
            case FlvCodecIds.AudioMp3:
            case FlvCodecIds.AudioMp3At8kHz:
                OnMp3Frame(dts, flags, body.Slice(1));
                break;
            case FlvCodecIds.AudioG711A:
            case FlvCodecIds.AudioG711U:
                OnPlainAudioFrame(dts, G711.Track(format == FlvCodecIds.AudioG711A ? CodecId.G711A : CodecId.G711U), body.Slice(1));
                break;
            default:
                Drop(DropReason.UnsupportedAudioCodec, $"audio sound format {format}");
                break;
        }
    }

    private void ParseAac(long dts, in ReadOnlySequence<byte> body)
    {
        if (body.Length < 2)
        {
            Drop(DropReason.Malformed, "AAC tag without packet type");
            return;
        }

        byte packetType = ByteAt(body, 1);
        var data = body.Slice(2);
        if (packetType == 0)
        {
            var config = data.ToArray();
            if (!AudioSpecificConfig.TryParse(config, out var asc))
            {
                Drop(DropReason.BadAudioConfig, "unreadable AudioSpecificConfig");
                return;
            }

            SetAudioTrack(new MediaTrack { Codec = CodecId.Aac, CodecConfig = config, SampleRate = asc.OutputSampleRate, Channels = Math.Max(1, asc.Channels) }, dts);
            return;
        }

        if (packetType != 1)
        {
            Drop(DropReason.UnsupportedPacketType, $"AAC packet type {packetType}");
            return;
        }

        if (data.IsEmpty)
        {
            Drop(DropReason.Empty, "empty AAC frame");
            return;
        }

        // Some encoders wrongly leave the ADTS header on; strip it (and learn the config from it if needed).
        Span<byte> adtsBytes = stackalloc byte[AdtsHeader.MinimumSize];
        if (data.Length >= AdtsHeader.MinimumSize)
        {
            data.Slice(0, AdtsHeader.MinimumSize).CopyTo(adtsBytes);
            if (AdtsHeader.HasSyncWord(adtsBytes) && AdtsHeader.TryParse(adtsBytes, out var adts) && adts.FrameLength == data.Length && adts.PayloadLength > 0)
            {
                data = data.Slice(adts.HeaderLength);
                if (_audio is null && adts.ObjectType is >= 1 and <= 4)
                {
                    SetAudioTrack(new MediaTrack { Codec = CodecId.Aac, CodecConfig = adts.ToAudioSpecificConfigBytes(), SampleRate = adts.SampleRate, Channels = Math.Max(1, adts.Channels) }, dts);
                }
            }
        }

        if (_audio is not { Codec: CodecId.Aac })
        {
            Drop(DropReason.FrameBeforeConfig, "AAC frame before its sequence header");
            return;
        }

        WriteAudio(dts, data);
    }

    private void OnMp3Frame(long dts, byte flags, in ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            Drop(DropReason.Empty, "empty MP3 frame");
            return;
        }

        // The frame header knows the real rate (FLV flags cannot say 48 kHz); the flags are the fallback.
        MediaTrack track;
        Span<byte> headerBytes = stackalloc byte[MpegAudioHeader.Size];
        if (data.Length >= MpegAudioHeader.Size && CopyPrefix(data, headerBytes) && MpegAudioHeader.TryParse(headerBytes, out var header))
        {
            track = new MediaTrack { Codec = CodecId.Mp3, SampleRate = header.SampleRate, Channels = header.Channels };
        }
        else if (_audio is { Codec: CodecId.Mp3 })
        {
            track = _audio;
        }
        else
        {
            int sampleRate = (flags >> 4) == FlvCodecIds.AudioMp3At8kHz ? 8000 : FlagSampleRate(flags);
            track = new MediaTrack { Codec = CodecId.Mp3, SampleRate = sampleRate, Channels = (flags & 0x01) + 1 };
        }

        OnPlainAudioFrame(dts, track, data);
    }

    private static bool CopyPrefix(in ReadOnlySequence<byte> data, Span<byte> destination)
    {
        data.Slice(0, destination.Length).CopyTo(destination);
        return true;
    }

    private static byte ByteAt(in ReadOnlySequence<byte> data, long index)
    {
        Span<byte> one = stackalloc byte[1];
        data.Slice(index, 1).CopyTo(one);
        return one[0];
    }

    private static int FlagSampleRate(byte flags) => ((flags >> 2) & 0x03) switch
    {
        0 => 5512,
        1 => 11025,
        2 => 22050,
        _ => 44100,
    };

    // Codecs without a sequence header: the first frame (or a change of format) defines the track.
    private void OnPlainAudioFrame(long dts, MediaTrack track, in ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            Drop(DropReason.Empty, $"empty {track.Codec.Name()} frame");
            return;
        }

        SetAudioTrack(track, dts);
        WriteAudio(dts, data);
    }

    private void SetAudioTrack(MediaTrack track, long dts)
    {
        if (_audio is null)
        {
            int index = _publisher.AddTrack(track);
            _audio = track with { Index = index };
            Log.TrackAdded(_logger, _publisher.StreamId, _audio.ToString());
            CheckTracksComplete(dts);
        }
        else if (!SameTrack(_audio, track))
        {
            _audio = track with { Index = _audio.Index };
            _publisher.UpdateTrack(_audio);
            Log.TrackUpdated(_logger, _publisher.StreamId, _audio.ToString());
        }
    }

    private void WriteAudio(long dts, in ReadOnlySequence<byte> data)
    {
        CheckTracksComplete(dts);
        var buffer = PooledBuffer.CopyOf(data);
        try
        {
            _publisher.Write(new MediaPacket(_audio!.Index, dts, dts, isKeyFrame: true, buffer));
        }
        finally
        {
            buffer.Release();
        }
    }

    private static bool SameTrack(MediaTrack current, MediaTrack candidate) =>
        current.Codec == candidate.Codec
        && current.Width == candidate.Width
        && current.Height == candidate.Height
        && current.SampleRate == candidate.SampleRate
        && current.Channels == candidate.Channels
        && current.CodecConfig.Span.SequenceEqual(candidate.CodecConfig.Span);

    private void CheckTracksComplete(long dts)
    {
        if (TracksCompleted || (_video is null && _audio is null))
        {
            return;
        }

        bool complete = _metadataKnown
            ? (!_expectVideo || _video is not null) && (!_expectAudio || _audio is not null)
            : _video is not null && _audio is not null;
        if (!complete && dts - _firstTimestamp >= _probeWindowMs)
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

    private void Drop(DropReason reason, string detail)
    {
        DroppedTags++;
        if ((_loggedDrops & reason) == 0)
        {
            _loggedDrops |= reason;
            Log.TagDropped(_logger, _publisher.StreamId, reason.ToString(), detail);
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

        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: dropping FLV tag ({Reason}: {Detail}); further drops of this kind are only counted")]
        public static partial void TagDropped(ILogger logger, string streamId, string reason, string detail);
    }
}
