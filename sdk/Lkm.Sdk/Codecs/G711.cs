using Lkm.Sdk.Media;

namespace Lkm.Sdk.Codecs;

/// <summary>G.711 A-law / µ-law: one byte per sample, 8 kHz mono as telephony, GB28181 and JT1078 devices send it.</summary>
public static class G711
{
    /// <summary>Sample rate in Hz devices use.</summary>
    public const int SampleRate = 8000;
    /// <summary>Channels devices use (mono).</summary>
    public const int Channels = 1;
    /// <summary>Bits per sample (one byte).</summary>
    public const int BitsPerSample = 8;

    /// <summary>True for <see cref="CodecId.G711A"/> and <see cref="CodecId.G711U"/>.</summary>
    public static bool IsG711(CodecId codec) => codec is CodecId.G711A or CodecId.G711U;

    /// <summary>A track description for G.711 (no codec config).</summary>
    public static MediaTrack Track(CodecId codec, int sampleRate = SampleRate, int channels = Channels)
    {
        if (!IsG711(codec))
        {
            throw new ArgumentOutOfRangeException(nameof(codec), "Not a G.711 codec.");
        }

        return new MediaTrack { Codec = codec, SampleRate = sampleRate, Channels = channels, SampleSize = BitsPerSample };
    }

    /// <summary>Playing time of <paramref name="byteCount"/> bytes of G.711 in milliseconds.</summary>
    public static double DurationMs(int byteCount, int sampleRate = SampleRate, int channels = Channels) =>
        sampleRate <= 0 || channels <= 0 ? 0 : byteCount * 1000.0 / (sampleRate * channels);
}
