namespace Lkm.Sdk.Codecs;

/// <summary>AAC constants shared by the AudioSpecificConfig and ADTS code.</summary>
public static class Aac
{
    /// <summary>Audio object type 1, AAC Main.</summary>
    public const int ObjectTypeMain = 1;
    /// <summary>Audio object type 2, AAC-LC (what nearly every encoder sends).</summary>
    public const int ObjectTypeLc = 2;
    /// <summary>Audio object type 5, SBR (HE-AAC).</summary>
    public const int ObjectTypeSbr = 5;
    /// <summary>Audio object type 29, PS (HE-AAC v2).</summary>
    public const int ObjectTypePs = 29;

    /// <summary>Samples per AAC frame (1024 for AAC-LC).</summary>
    public const int SamplesPerFrame = 1024;

    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>Sample rate of a sampling_frequency_index, or 0 for reserved/escape indexes.</summary>
    public static int SampleRateOf(int index) => (uint)index < SampleRates.Length ? SampleRates[index] : 0;

    /// <summary>sampling_frequency_index of a rate, or -1 when the rate has no index (needs the explicit 24-bit form).</summary>
    public static int SampleRateIndexOf(int sampleRate) => Array.IndexOf(SampleRates, sampleRate);

    /// <summary>Channels of a channel_configuration (7 means 7.1 = 8 channels); 0 when defined by a program config element.</summary>
    public static int ChannelsOf(int channelConfiguration) => channelConfiguration switch
    {
        >= 1 and <= 6 => channelConfiguration,
        7 => 8,
        _ => 0,
    };
}
