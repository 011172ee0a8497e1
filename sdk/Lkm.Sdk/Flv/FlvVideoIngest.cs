using System.Buffers;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>
/// The video half of <see cref="FlvIngest"/>: legacy (AVC, HEVC id 12) and Enhanced-RTMP (FourCC)
/// video tag bodies into a video track and AVCC frames. Frames are copied once into pooled buffers,
/// their NAL lengths made 4 bytes.
/// </summary>
internal sealed class FlvVideoIngest
{
    private const int NalLengthSize = 4;

    private readonly FlvIngest _ingest;
    private int _lengthSize = NalLengthSize;

    public FlvVideoIngest(FlvIngest ingest) => _ingest = ingest;

    public void Parse(long dts, in ReadOnlySequence<byte> body)
    {
        Span<byte> header = stackalloc byte[8];
        int headerLength = (int)Math.Min(body.Length, header.Length);
        body.Slice(0, headerLength).CopyTo(header);
        if (headerLength == 0)
        {
            Drop(FlvDropReason.Empty, "empty video tag");
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
            Drop(FlvDropReason.UnsupportedVideoCodec, $"video codec id {codecId}");
            return;
        }

        if (headerLength < 5)
        {
            Drop(FlvDropReason.Malformed, "video tag shorter than its AVC header");
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
                Drop(FlvDropReason.UnsupportedPacketType, $"AVC packet type {header[1]}");
                break;
        }
    }

    private void ParseEnhancedVideo(long dts, in ReadOnlySequence<byte> body, ReadOnlySpan<byte> header)
    {
        int frameType = (header[0] >> 4) & 0x07;
        int packetType = header[0] & 0x0F;
        if (header.Length < 5)
        {
            Drop(FlvDropReason.Malformed, "enhanced video tag shorter than its header");
            return;
        }

        uint fourCc = FlvTagBody.ReadFourCc(header[1..]);
        var codec = FlvFourCc.ToCodec(fourCc);
        if (codec == CodecId.Unknown)
        {
            Drop(FlvDropReason.UnsupportedVideoCodec, $"video FourCC 0x{fourCc:X8}");
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
                    Drop(FlvDropReason.Malformed, "coded frame shorter than its composition time");
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
                Drop(FlvDropReason.UnsupportedPacketType, $"enhanced video packet type {packetType}");
                break;
        }
    }

    private void OnVideoConfig(CodecId codec, in ReadOnlySequence<byte> configBytes, long dts)
    {
        if (configBytes.IsEmpty)
        {
            Drop(FlvDropReason.BadVideoConfig, $"empty {codec.Name()} sequence header");
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
                    Drop(FlvDropReason.BadVideoConfig, "unreadable AVCDecoderConfigurationRecord");
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
                    Drop(FlvDropReason.BadVideoConfig, "unreadable HEVCDecoderConfigurationRecord");
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

        SetTrack(new MediaTrack { Codec = codec, CodecConfig = config, Width = width, Height = height }, lengthSize, dts);
    }

    private void OnVideoFrame(CodecId codec, long dts, int compositionTime, bool isKeyFrame, in ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            Drop(FlvDropReason.Empty, "empty video frame");
            return;
        }

        bool isNalCodec = codec is CodecId.H264 or CodecId.H265;
        if (_ingest.VideoTrack is not null && _ingest.VideoTrack.Codec != codec)
        {
            Drop(FlvDropReason.FrameBeforeConfig, $"{codec.Name()} frame while the track is {_ingest.VideoTrack.Codec.Name()}");
            return;
        }

        var buffer = isNalCodec ? CopyAsAvcc(payload, _ingest.VideoTrack is null ? NalLengthSize : _lengthSize) : PooledBuffer.CopyOf(payload);
        if (buffer is null)
        {
            Drop(FlvDropReason.BadNalFraming, $"{codec.Name()} frame with broken NAL unit lengths");
            return;
        }

        try
        {
            if (_ingest.VideoTrack is null && !TryAddVideoTrackFromFrame(codec, buffer.Span, dts))
            {
                Drop(FlvDropReason.FrameBeforeConfig, $"{codec.Name()} frame before its sequence header");
                return;
            }

            _ingest.Write(new MediaPacket(_ingest.VideoTrack!.Index, dts, dts + compositionTime, isKeyFrame, buffer));
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

        SetTrack(track, NalLengthSize, dts);
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

    private void SetTrack(MediaTrack track, int lengthSize, long dts)
    {
        _lengthSize = lengthSize;
        _ingest.SetVideoTrack(track, dts);
    }

    private void Drop(FlvDropReason reason, string detail) => _ingest.Drop(reason, detail);
}
