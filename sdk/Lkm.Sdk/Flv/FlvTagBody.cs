using System.Buffers.Binary;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>
/// Muxes FLV tag bodies (also the payloads of RTMP audio/video/data messages): media frames,
/// codec sequence headers and onMetaData. H.264 uses the legacy codec id 7; H.265, AV1 and VP9 use
/// Enhanced-RTMP FourCC headers.
/// </summary>
public static class FlvTagBody
{
    private const int FrameTypeKey = 1;
    private const int FrameTypeInter = 2;
    private const int ExVideoHeader = 0x80;
    private const int PacketTypeSequenceStart = 0;
    private const int PacketTypeCodedFrames = 1;
    private const int PacketTypeSequenceEnd = 2;
    private const int PacketTypeCodedFramesX = 3;

    /// <summary>True when FLV/RTMP can carry <paramref name="codec"/> with this muxer.</summary>
    public static bool CanCarry(CodecId codec) =>
        codec is CodecId.H264 or CodecId.H265 or CodecId.Av1 or CodecId.Vp9 or CodecId.Aac or CodecId.Mp3 or CodecId.G711A or CodecId.G711U;

    /// <summary>Bytes of the tag body <see cref="WriteMediaBody"/> writes for <paramref name="packet"/>.</summary>
    public static int MediaBodyLength(MediaTrack track, in MediaPacket packet) => HeaderLength(track, packet) + packet.Buffer.Length;

    /// <summary>Writes the tag body of one frame (header bytes + payload); returns bytes written.</summary>
    public static int WriteMediaBody(Span<byte> destination, MediaTrack track, in MediaPacket packet)
    {
        int headerLength = WriteMediaHeader(destination, track, packet);
        var payload = packet.Buffer.Span;
        payload.CopyTo(destination[headerLength..]);
        return headerLength + payload.Length;
    }

    /// <summary>Bytes the FLV body puts in front of the payload of <paramref name="packet"/>.</summary>
    public static int HeaderLength(MediaTrack track, in MediaPacket packet) => track.Codec switch
    {
        CodecId.H264 => 5,
        CodecId.H265 => packet.CompositionTime != 0 ? 8 : 5,
        CodecId.Av1 or CodecId.Vp9 => 5,
        CodecId.Aac => 2,
        CodecId.Mp3 or CodecId.G711A or CodecId.G711U => 1,
        _ => throw new NotSupportedException($"FLV cannot carry {track.Codec.Name()}."),
    };

    /// <summary>Writes only the header bytes that precede the payload; returns bytes written.</summary>
    public static int WriteMediaHeader(Span<byte> destination, MediaTrack track, in MediaPacket packet)
    {
        int frameType = packet.IsKeyFrame ? FrameTypeKey : FrameTypeInter;
        switch (track.Codec)
        {
            case CodecId.H264:
                destination[0] = (byte)((frameType << 4) | FlvCodecIds.VideoAvc);
                destination[1] = 1; // AVC NALU
                WriteInt24(destination[2..], packet.CompositionTime);
                return 5;
            case CodecId.H265:
                // Like ffmpeg: CodedFramesX (no composition time) when pts == dts.
                bool withCt = packet.CompositionTime != 0;
                destination[0] = (byte)(ExVideoHeader | (frameType << 4) | (withCt ? PacketTypeCodedFrames : PacketTypeCodedFramesX));
                FlvFourCc.Write(destination[1..], FlvFourCc.Hvc1);
                if (withCt)
                {
                    WriteInt24(destination[5..], packet.CompositionTime);
                    return 8;
                }

                return 5;
            case CodecId.Av1 or CodecId.Vp9:
                destination[0] = (byte)(ExVideoHeader | (frameType << 4) | PacketTypeCodedFrames);
                FlvFourCc.Write(destination[1..], FlvFourCc.FromCodec(track.Codec));
                return 5;
            case CodecId.Aac:
                destination[0] = AudioFlags(track);
                destination[1] = 1; // AAC raw
                return 2;
            case CodecId.Mp3 or CodecId.G711A or CodecId.G711U:
                destination[0] = AudioFlags(track);
                return 1;
            default:
                throw new NotSupportedException($"FLV cannot carry {track.Codec.Name()}.");
        }
    }

    /// <summary>
    /// The codec's sequence header body: AVC (codec 7, packet type 0) + AVCDecoderConfigurationRecord,
    /// Enhanced-RTMP SequenceStart + HEVC/AV1/VP9 config, AAC packet type 0 + AudioSpecificConfig;
    /// empty when the codec has none (G.711, MP3) or the track has no config yet.
    /// </summary>
    public static byte[] SequenceHeader(MediaTrack track)
    {
        var config = track.CodecConfig.Span;
        if (config.IsEmpty)
        {
            return [];
        }

        switch (track.Codec)
        {
            case CodecId.H264:
            {
                var body = new byte[5 + config.Length];
                body[0] = (FrameTypeKey << 4) | FlvCodecIds.VideoAvc;
                config.CopyTo(body.AsSpan(5)); // body[1] = 0 (sequence header), composition time 0
                return body;
            }

            case CodecId.H265 or CodecId.Av1 or CodecId.Vp9:
            {
                var body = new byte[5 + config.Length];
                body[0] = ExVideoHeader | (FrameTypeKey << 4) | PacketTypeSequenceStart;
                FlvFourCc.Write(body.AsSpan(1), FlvFourCc.FromCodec(track.Codec));
                config.CopyTo(body.AsSpan(5));
                return body;
            }

            case CodecId.Aac:
            {
                var body = new byte[2 + config.Length];
                body[0] = AudioFlags(track);
                config.CopyTo(body.AsSpan(2)); // body[1] = 0 (AAC sequence header)
                return body;
            }

            default:
                return [];
        }
    }

    /// <summary>End-of-sequence body for a video track (sent when a publisher stops); empty for audio.</summary>
    public static byte[] EndOfSequence(MediaTrack track) => track.Codec switch
    {
        CodecId.H264 => [(FrameTypeKey << 4) | FlvCodecIds.VideoAvc, 2, 0, 0, 0],
        CodecId.H265 or CodecId.Av1 or CodecId.Vp9 => EnhancedEnd(track.Codec),
        _ => [],
    };

    /// <summary>
    /// A script body "onMetaData" + ECMA array: the publisher's properties in their order (minus
    /// RTMP <c>@setDataFrame</c> leftovers), duration forced to 0 (live), and codec ids, picture size,
    /// frame rate and audio format added where the publisher did not say.
    /// </summary>
    public static byte[] Metadata(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata)
    {
        var properties = new Amf0Object { IsEcmaArray = true };
        foreach (var (key, value) in metadata.Properties)
        {
            if (key.Length == 0 || key.StartsWith('@') || key == "onMetaData" || properties.TryGet(key, out _))
            {
                continue;
            }

            properties.Add(key, key == "duration" ? 0.0 : value);
        }

        void AddMissing(string key, object? value)
        {
            if (!properties.TryGet(key, out _))
            {
                properties.Add(key, value);
            }
        }

        AddMissing("duration", 0.0);
        var video = tracks.FirstOrDefault(t => t.MediaType == MediaType.Video && CanCarry(t.Codec));
        var audio = tracks.FirstOrDefault(t => t.MediaType == MediaType.Audio && CanCarry(t.Codec));
        if (video is not null)
        {
            if (video.Width > 0 && video.Height > 0)
            {
                AddMissing("width", (double)video.Width);
                AddMissing("height", (double)video.Height);
            }

            AddMissing("videocodecid", VideoCodecId(video.Codec));
            double frameRate = FrameRateOf(video);
            if (frameRate > 0)
            {
                AddMissing("framerate", frameRate);
            }
        }

        if (audio is not null)
        {
            AddMissing("audiocodecid", (double)AudioCodecId(audio.Codec));
            if (audio.SampleRate > 0)
            {
                AddMissing("audiosamplerate", (double)audio.SampleRate);
            }

            AddMissing("audiosamplesize", (double)(audio.SampleSize > 0 ? audio.SampleSize : 16));
            AddMissing("stereo", audio.Channels > 1);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        Amf0.Write(buffer, "onMetaData");
        Amf0.WriteEcmaArray(buffer, properties);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>videocodecid as onMetaData carries it: 7 for H.264, the FourCC as a number for Enhanced-RTMP codecs (as ffmpeg writes).</summary>
    public static double VideoCodecId(CodecId codec) => codec == CodecId.H264 ? FlvCodecIds.VideoAvc : FlvFourCc.FromCodec(codec);

    /// <summary>audiocodecid as onMetaData carries it; 0 for a codec FLV has no id for.</summary>
    public static int AudioCodecId(CodecId codec) => codec switch
    {
        CodecId.Aac => FlvCodecIds.AudioAac,
        CodecId.Mp3 => FlvCodecIds.AudioMp3,
        CodecId.G711A => FlvCodecIds.AudioG711A,
        CodecId.G711U => FlvCodecIds.AudioG711U,
        _ => 0,
    };

    /// <summary>The first byte of an audio tag body: format, rate, size and channel flags.</summary>
    public static byte AudioFlags(MediaTrack track)
    {
        int stereo = track.Channels > 1 ? 1 : 0;
        switch (track.Codec)
        {
            case CodecId.Aac:
                return 0xAF; // the FLV spec fixes AAC at 44 kHz/16-bit/stereo; the real format is in the AudioSpecificConfig
            case CodecId.Mp3:
                if (track.SampleRate == 8000)
                {
                    return (byte)((FlvCodecIds.AudioMp3At8kHz << 4) | 0x02 | stereo);
                }

                int rate = track.SampleRate switch
                {
                    >= 44100 => 3,
                    >= 22050 => 2,
                    >= 11025 => 1,
                    _ => 0,
                };
                return (byte)((FlvCodecIds.AudioMp3 << 4) | (rate << 2) | 0x02 | stereo);
            case CodecId.G711A:
                return (byte)((FlvCodecIds.AudioG711A << 4) | 0x02 | stereo); // rate bits 0; readers assume 8 kHz
            case CodecId.G711U:
                return (byte)((FlvCodecIds.AudioG711U << 4) | 0x02 | stereo);
            default:
                throw new NotSupportedException($"FLV cannot carry {track.Codec.Name()}.");
        }
    }

    private static byte[] EnhancedEnd(CodecId codec)
    {
        var body = new byte[5];
        body[0] = ExVideoHeader | (FrameTypeKey << 4) | PacketTypeSequenceEnd;
        FlvFourCc.Write(body.AsSpan(1), FlvFourCc.FromCodec(codec));
        return body;
    }

    private static double FrameRateOf(MediaTrack video)
    {
        var config = video.CodecConfig.Span;
        if (config.IsEmpty)
        {
            return 0;
        }

        if (video.Codec == CodecId.H264 && AvcDecoderConfigurationRecord.TryParse(config, out var avc) && H264Sps.TryParse(avc!.SequenceParameterSets[0], out var sps))
        {
            return sps!.FrameRate;
        }

        if (video.Codec == CodecId.H265 && HevcDecoderConfigurationRecord.TryParse(config, out var hevc) && H265Sps.TryParse(hevc!.SequenceParameterSets[0], out var hsps))
        {
            return hsps!.FrameRate;
        }

        return 0;
    }

    internal static void WriteInt24(Span<byte> destination, int value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    internal static int ReadInt24(ReadOnlySpan<byte> source)
    {
        int value = (source[0] << 16) | (source[1] << 8) | source[2];
        return (value << 8) >> 8; // sign-extend
    }

    internal static uint ReadFourCc(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt32BigEndian(source);
}
