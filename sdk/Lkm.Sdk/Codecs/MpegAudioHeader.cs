namespace Lkm.Sdk.Codecs;

/// <summary>MPEG-1/2/2.5 audio frame header (MP3 and friends): enough to know sample rate, channels and frame size.</summary>
public readonly record struct MpegAudioHeader(int Version, int Layer, int SampleRate, int Channels, int Bitrate, int FrameLength)
{
    /// <summary>Bytes of a frame header.</summary>
    public const int Size = 4;

    private static readonly int[] Rates = [44100, 48000, 32000];

    // kbit/s by [version 1 or 2][layer-1][index]
    private static readonly int[][] BitratesV1 =
    [
        [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    ];

    private static readonly int[][] BitratesV2 =
    [
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ];

    /// <summary>Parses the 4-byte header at the start of <paramref name="data"/>; false when it is not one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out MpegAudioHeader header)
    {
        header = default;
        if (data.Length < Size || data[0] != 0xFF || (data[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        int versionBits = (data[1] >> 3) & 0x03; // 0 = 2.5, 2 = 2, 3 = 1
        int layerBits = (data[1] >> 1) & 0x03; // 1 = III, 2 = II, 3 = I
        int bitrateIndex = data[2] >> 4;
        int rateIndex = (data[2] >> 2) & 0x03;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex == 15 || rateIndex == 3)
        {
            return false;
        }

        int version = versionBits switch { 3 => 1, 2 => 2, _ => 25 };
        int layer = 4 - layerBits;
        int sampleRate = Rates[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
        int bitrate = (version == 1 ? BitratesV1 : BitratesV2)[layer - 1][bitrateIndex] * 1000;
        bool padding = (data[2] & 0x02) != 0;
        int channels = (data[3] >> 6) == 3 ? 1 : 2;
        int frameLength = 0;
        if (bitrate > 0)
        {
            frameLength = layer == 1
                ? ((12 * bitrate / sampleRate) + (padding ? 1 : 0)) * 4
                : ((layer == 3 && version != 1 ? 72 : 144) * bitrate / sampleRate) + (padding ? 1 : 0);
        }

        header = new MpegAudioHeader(version, layer, sampleRate, channels, bitrate, frameLength);
        return true;
    }
}
