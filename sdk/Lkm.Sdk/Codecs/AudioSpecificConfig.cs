namespace Lkm.Sdk.Codecs;

/// <summary>
/// AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): the codec config the server keeps for AAC
/// tracks and FLV sequence headers carry.
/// </summary>
public readonly record struct AudioSpecificConfig(int ObjectType, int SampleRateIndex, int SampleRate, int ChannelConfiguration)
{
    /// <summary>Output sample rate when SBR (HE-AAC) is signalled explicitly; otherwise equals <see cref="SampleRate"/>.</summary>
    public int OutputSampleRate { get; init; } = SampleRate;

    /// <summary>Channel count of <see cref="ChannelConfiguration"/>; 0 when a program config element defines it.</summary>
    public int Channels => Aac.ChannelsOf(ChannelConfiguration);

    /// <summary>Parses <paramref name="data"/>; false when it is malformed or truncated.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AudioSpecificConfig config)
    {
        try
        {
            config = Parse(data);
            return true;
        }
        catch (CodecFormatException)
        {
            config = default;
            return false;
        }
    }

    /// <summary>Parses <paramref name="data"/>; throws <see cref="CodecFormatException"/> when it is malformed or truncated.</summary>
    public static AudioSpecificConfig Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            throw new CodecFormatException("AudioSpecificConfig too short.");
        }

        var reader = new BitReader(data);
        int objectType = ReadObjectType(ref reader);
        if (objectType == 0)
        {
            throw new CodecFormatException("AudioSpecificConfig object type 0 is invalid.");
        }

        var (index, rate) = ReadSampleRate(ref reader);
        int channelConfiguration = (int)reader.ReadBits(4);
        int outputRate = rate;
        if (objectType is Aac.ObjectTypeSbr or Aac.ObjectTypePs)
        {
            // Explicit hierarchical SBR signalling: the extension rate is what the listener hears.
            (_, outputRate) = ReadSampleRate(ref reader);
            objectType = ReadObjectType(ref reader);
        }

        if (rate == 0 || outputRate == 0)
        {
            throw new CodecFormatException("AudioSpecificConfig has a reserved sampling frequency index.");
        }

        return new AudioSpecificConfig(objectType, index, rate, channelConfiguration) { OutputSampleRate = outputRate };
    }

    /// <summary>The 2-byte (or 5-byte for rates without an index) AudioSpecificConfig for a plain AAC stream.</summary>
    public static byte[] Create(int objectType, int sampleRate, int channelConfiguration)
    {
        if (objectType is <= 0 or >= 31 || channelConfiguration is < 0 or > 15 || sampleRate <= 0 || sampleRate > 0xFFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(objectType), "Unsupported AAC object type, sample rate or channel configuration.");
        }

        int index = Aac.SampleRateIndexOf(sampleRate);
        if (index >= 0)
        {
            // objectType(5) freqIndex(4) channels(4) frameLengthFlag(1) dependsOnCoreCoder(1) extensionFlag(1)
            int bits = (objectType << 11) | (index << 7) | (channelConfiguration << 3);
            return [(byte)(bits >> 8), (byte)bits];
        }

        // objectType(5) 0xF(4) rate(24) channels(4) 000(3) = 40 bits
        ulong value = ((ulong)objectType << 35) | (0xFul << 31) | ((ulong)sampleRate << 7) | ((ulong)channelConfiguration << 3);
        return [(byte)(value >> 32), (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
    }

    /// <summary>The config in its wire form (2 bytes, or 5 when the sample rate has no index).</summary>
    public byte[] ToArray() => Create(ObjectType, SampleRate, ChannelConfiguration);

    private static int ReadObjectType(ref BitReader reader)
    {
        int objectType = (int)reader.ReadBits(5);
        return objectType == 31 ? 32 + (int)reader.ReadBits(6) : objectType;
    }

    private static (int Index, int Rate) ReadSampleRate(ref BitReader reader)
    {
        int index = (int)reader.ReadBits(4);
        return index == 0xF ? (index, (int)reader.ReadBits(24)) : (index, Aac.SampleRateOf(index));
    }
}
