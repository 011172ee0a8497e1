using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;

namespace Lkm.Plugins.Flv.Tests.Support;

/// <summary>An H.264 + AAC stream made up in memory: 25 fps video, AAC frames every 23 ms, interleaved by dts.</summary>
internal static class SyntheticStream
{
    // AVCDecoderConfigurationRecord: version 1, High profile 3.1, 4-byte NAL lengths, one SPS, one PPS.
    public static readonly byte[] AvcConfig =
    [
        0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x0B,
        0x67, 0x64, 0x00, 0x1F, 0xAC, 0xD9, 0x40, 0x50, 0x05, 0xBB, 0x01,
        0x01, 0x00, 0x04, 0x68, 0xEB, 0xE3, 0xCB,
    ];

    // AudioSpecificConfig: AAC LC, 44100 Hz, stereo.
    public static readonly byte[] AacConfig = [0x12, 0x10];

    public static MediaTrack Video(int index = 0, byte[]? config = null) => new()
    {
        Codec = CodecId.H264,
        Index = index,
        CodecConfig = config ?? AvcConfig,
        Width = 640,
        Height = 360,
    };

    public static MediaTrack Audio(int index = 1, byte[]? config = null) => new()
    {
        Codec = CodecId.Aac,
        Index = index,
        CodecConfig = config ?? AacConfig,
        SampleRate = 44100,
        Channels = 2,
    };

    public static MediaPacket VideoFrame(int trackIndex, long dts, bool keyFrame, int size = 600, int compositionMs = 0)
    {
        var buffer = PooledBuffer.Rent(size);
        var span = buffer.Span;
        span.Fill((byte)(dts & 0x7F));
        int nalLength = size - 4;
        span[0] = (byte)(nalLength >> 24);
        span[1] = (byte)(nalLength >> 16);
        span[2] = (byte)(nalLength >> 8);
        span[3] = (byte)nalLength;
        span[4] = keyFrame ? (byte)0x65 : (byte)0x41;
        return new MediaPacket(trackIndex, dts, dts + compositionMs, keyFrame, buffer);
    }

    public static MediaPacket AudioFrame(int trackIndex, long dts, int size = 200)
    {
        var buffer = PooledBuffer.Rent(size);
        buffer.Span.Fill(0x21);
        return new MediaPacket(trackIndex, dts, dts, true, buffer);
    }

    /// <summary>Video-only packets: one every 40 ms, a keyframe every <paramref name="gop"/> frames.</summary>
    public static List<MediaPacket> VideoOnly(int frames, int gop = 25, int videoIndex = 0, long startDts = 0)
    {
        var packets = new List<MediaPacket>(frames);
        for (int i = 0; i < frames; i++)
        {
            packets.Add(VideoFrame(videoIndex, startDts + (i * 40L), i % gop == 0));
        }

        return packets;
    }

    /// <summary>Video and audio interleaved in dts order for <paramref name="durationMs"/>.</summary>
    public static List<MediaPacket> AudioVideo(int durationMs, int gop = 25, int videoIndex = 0, int audioIndex = 1)
    {
        var packets = new List<MediaPacket>();
        long video = 0;
        long audio = 0;
        int frame = 0;
        while (video < durationMs || audio < durationMs)
        {
            if (video <= audio && video < durationMs)
            {
                packets.Add(VideoFrame(videoIndex, video, frame % gop == 0));
                frame++;
                video += 40;
            }
            else
            {
                packets.Add(AudioFrame(audioIndex, audio));
                audio += 23;
            }
        }

        return packets;
    }

    public static void Release(IEnumerable<MediaPacket> packets)
    {
        foreach (var packet in packets)
        {
            packet.Release();
        }
    }
}
