using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;

namespace Lkm.Benchmarks.Media;

/// <summary>
/// A made-up 1 Mbit/s H.264 + AAC stream, shaped like what ffmpeg publishes for a 640x360 camera:
/// 25 fps video with a 30 KB keyframe and ~3.6 KB inter frames, AAC-LC 44.1 kHz stereo at ~64 kbit/s
/// (1024 samples = 23.2 ms per frame), interleaved in dts order. Sizes vary by a fixed-seed random
/// amount so no two frames are alike. Nothing is decoded anywhere, so the bytes are filler.
/// </summary>
public static class SyntheticMedia
{
    public const int VideoIntervalMs = 40;
    public const int KeyFrameBytes = 30_000;
    public const int InterFrameBytes = 3_625;
    public const int AudioFrameBytes = 186;
    public const int AudioSamplesPerFrame = 1024;
    public const int AudioSampleRate = 44_100;

    /// <summary>AVCDecoderConfigurationRecord: version 1, High 3.1, 4-byte NAL lengths, one SPS, one PPS.</summary>
    public static readonly byte[] AvcConfig =
    [
        0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x0B,
        0x67, 0x64, 0x00, 0x1F, 0xAC, 0xD9, 0x40, 0x50, 0x05, 0xBB, 0x01,
        0x01, 0x00, 0x04, 0x68, 0xEB, 0xE3, 0xCB,
    ];

    /// <summary>AudioSpecificConfig: AAC LC, 44100 Hz, stereo.</summary>
    public static readonly byte[] AacConfig = [0x12, 0x10];

    public static MediaTrack Video(int index = 0) => new()
    {
        Codec = CodecId.H264,
        Index = index,
        CodecConfig = AvcConfig,
        Width = 640,
        Height = 360,
    };

    public static MediaTrack Audio(int index = 1) => new()
    {
        Codec = CodecId.Aac,
        Index = index,
        CodecConfig = AacConfig,
        SampleRate = AudioSampleRate,
        Channels = 2,
    };

    /// <summary>
    /// Packets for <paramref name="durationMs"/> of media starting at <paramref name="startDts"/>, a keyframe every
    /// <paramref name="gopMs"/>, video on track 0 and audio on track 1. Each packet holds one reference: release them.
    /// </summary>
    public static List<MediaPacket> Generate(int durationMs, int gopMs = 2000, long startDts = 0, int seed = 1)
    {
        var random = new Random(seed);
        var packets = new List<MediaPacket>();
        int videoFrame = 0;
        int audioFrame = 0;
        int framesPerGop = Math.Max(1, gopMs / VideoIntervalMs);
        while (true)
        {
            long videoDts = (long)videoFrame * VideoIntervalMs;
            long audioDts = (long)audioFrame * AudioSamplesPerFrame * 1000 / AudioSampleRate;
            bool videoLeft = videoDts < durationMs;
            bool audioLeft = audioDts < durationMs;
            if (!videoLeft && !audioLeft)
            {
                break;
            }

            if (videoLeft && (!audioLeft || videoDts <= audioDts))
            {
                bool key = videoFrame % framesPerGop == 0;
                int size = key ? Vary(random, KeyFrameBytes, 0.05) : Vary(random, InterFrameBytes, 0.2);
                packets.Add(VideoFrame(startDts + videoDts, key, size));
                videoFrame++;
            }
            else
            {
                packets.Add(AudioFrame(startDts + audioDts, Vary(random, AudioFrameBytes, 0.1)));
                audioFrame++;
            }
        }

        return packets;
    }

    /// <summary>One AVCC access unit: a single NAL unit (IDR slice or non-IDR slice) with its 4-byte length.</summary>
    public static MediaPacket VideoFrame(long dts, bool keyFrame, int size)
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
        return new MediaPacket(0, dts, dts, keyFrame, buffer);
    }

    public static MediaPacket AudioFrame(long dts, int size)
    {
        var buffer = PooledBuffer.Rent(size);
        buffer.Span.Fill(0x21);
        return new MediaPacket(1, dts, dts, true, buffer);
    }

    public static long TotalBytes(IEnumerable<MediaPacket> packets) => packets.Sum(p => (long)p.Buffer.Length);

    public static void Release(IEnumerable<MediaPacket> packets)
    {
        foreach (var packet in packets)
        {
            packet.Release();
        }
    }

    private static int Vary(Random random, int size, double spread) =>
        (int)(size * (1 - spread + (random.NextDouble() * 2 * spread)));
}
