using Lkm.DeviceSim.Media;
using Lkm.Sdk.MpegPs;

namespace Lkm.DeviceSim.Tests.Support;

/// <summary>
/// Synthetic media built in memory: H.264 access units (SPS + PPS + IDR every <c>gop</c> frames, P frames between)
/// with 4-byte start codes, and ADTS AAC frames (48 kHz, 1024 samples each), interleaved in DTS order. Payload bytes
/// are never 0, so no start code appears inside a NAL unit.
/// </summary>
internal static class SyntheticMedia
{
    public const long VideoStep = 3600; // 25 fps
    public const long AudioStep = 1920; // 1024 samples at 48 kHz

    private static readonly byte[] Sps = [0x67, 0x42, 0xC0, 0x1E, 0xDA, 0x05, 0x07, 0xEC, 0x04, 0x40];
    private static readonly byte[] Pps = [0x68, 0xCE, 0x3C, 0x80];

    public static MediaFormat Format { get; } = new(PsStreamType.H264, PsStreamType.AacAdts);

    /// <summary><paramref name="seconds"/> of media; the first IDR is <paramref name="firstIdrSize"/> bytes (over 64 KiB: split over PES).</summary>
    public static List<MediaUnit> Build(double seconds, int gop = 10, int idrSize = 6000, int pSize = 900, int audioSize = 200, int firstIdrSize = 0, bool audio = true)
    {
        var units = new List<MediaUnit>();
        long end = (long)(seconds * 90_000);
        int frame = 0;
        long nextAudio = 0;
        for (long dts = 0; dts < end; dts += VideoStep, frame++)
        {
            while (audio && nextAudio <= dts)
            {
                units.Add(MediaUnit.Audio(Adts(audioSize, (int)(nextAudio / AudioStep)), nextAudio));
                nextAudio += AudioStep;
            }

            bool key = frame % gop == 0;
            units.Add(MediaUnit.Video(key ? Idr(frame == 0 && firstIdrSize > 0 ? firstIdrSize : idrSize, frame) : PFrame(pSize, frame), dts, dts, key));
        }

        while (audio && nextAudio < end)
        {
            units.Add(MediaUnit.Audio(Adts(audioSize, (int)(nextAudio / AudioStep)), nextAudio));
            nextAudio += AudioStep;
        }

        return units;
    }

    public static MemoryMediaFeed Feed(double seconds, int gop = 10, int idrSize = 6000, int pSize = 900, int firstIdrSize = 0) =>
        new(Format, Build(seconds, gop, idrSize, pSize, firstIdrSize: firstIdrSize));

    public static byte[] Idr(int size, int seed)
    {
        var data = new List<byte>();
        data.AddRange([0, 0, 0, 1, .. Sps, 0, 0, 0, 1, .. Pps, 0, 0, 0, 1, 0x65]);
        Fill(data, size, seed);
        return [.. data];
    }

    public static byte[] PFrame(int size, int seed)
    {
        var data = new List<byte> { 0, 0, 0, 1, 0x41 };
        Fill(data, size, seed);
        return [.. data];
    }

    /// <summary>An ADTS frame: AAC LC, 48 kHz, stereo, no CRC.</summary>
    public static byte[] Adts(int payload, int seed)
    {
        int length = 7 + payload;
        var frame = new byte[length];
        frame[0] = 0xFF;
        frame[1] = 0xF1;
        frame[2] = (1 << 6) | (3 << 2); // LC, 48 kHz
        frame[3] = (byte)((2 << 6) | (length >> 11));
        frame[4] = (byte)(length >> 3);
        frame[5] = (byte)(((length & 7) << 5) | 0x1F);
        frame[6] = 0xFC;
        for (int i = 7; i < length; i++)
        {
            frame[i] = (byte)(1 + ((i * 13 + seed) % 250));
        }

        return frame;
    }

    private static void Fill(List<byte> data, int size, int seed)
    {
        for (int i = 0; i < size; i++)
        {
            data.Add((byte)(1 + ((i * 7 + seed * 31) % 250)));
        }
    }
}
