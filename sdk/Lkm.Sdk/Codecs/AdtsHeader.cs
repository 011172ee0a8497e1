namespace Lkm.Sdk.Codecs;

/// <summary>
/// AAC ADTS frame header (ISO/IEC 13818-7 6.2), as AAC travels in MPEG-PS/TS, JT1078 and raw .aac
/// streams. The server strips it (payloads are raw frames) and writes it back for TS/HLS.
/// </summary>
public readonly record struct AdtsHeader(int ObjectType, int SampleRateIndex, int ChannelConfiguration, int FrameLength, bool HasCrc, int RawDataBlocks)
{
    /// <summary>Bytes needed to parse a header (without CRC).</summary>
    public const int MinimumSize = 7;

    /// <summary>Header bytes (7, or 9 with CRC).</summary>
    public int HeaderLength => HasCrc ? 9 : 7;

    /// <summary>Bytes of raw AAC data following the header.</summary>
    public int PayloadLength => FrameLength - HeaderLength;

    /// <summary>Sample rate in Hz of <see cref="SampleRateIndex"/>; 0 for a reserved index.</summary>
    public int SampleRate => Aac.SampleRateOf(SampleRateIndex);

    /// <summary>Channel count of <see cref="ChannelConfiguration"/>; 0 when a program config element defines it.</summary>
    public int Channels => Aac.ChannelsOf(ChannelConfiguration);

    /// <summary>True when <paramref name="data"/> starts with the 12-bit ADTS sync word.</summary>
    public static bool HasSyncWord(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0xFF && (data[1] & 0xF6) == 0xF0;

    /// <summary>Parses the header at the start of <paramref name="data"/>; false when there is no valid ADTS header there (bad sync word, reserved values, too few bytes).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header) => Read(data, out header) is null;

    /// <summary>Parses the header at the start of <paramref name="data"/> (the frame itself need not be complete).</summary>
    public static AdtsHeader Parse(ReadOnlySpan<byte> data) =>
        Read(data, out var header) is { } error ? throw new CodecFormatException(error) : header;

    // The header, or why there is none. No exception on the way: TryParse runs at the end of every audio PES (the
    // frame walk looks for a next frame), and a thrown and caught exception there cost ~1 KB and microseconds per frame.
    private static string? Read(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < MinimumSize)
        {
            return "ADTS header too short.";
        }

        if (!HasSyncWord(data))
        {
            return "ADTS sync word missing.";
        }

        bool hasCrc = (data[1] & 0x01) == 0;
        int objectType = (data[2] >> 6) + 1;
        int sampleRateIndex = (data[2] >> 2) & 0x0F;
        int channelConfiguration = ((data[2] & 0x01) << 2) | (data[3] >> 6);
        int frameLength = ((data[3] & 0x03) << 11) | (data[4] << 3) | (data[5] >> 5);
        int rawDataBlocks = (data[6] & 0x03) + 1;
        if (Aac.SampleRateOf(sampleRateIndex) == 0)
        {
            return $"ADTS sampling frequency index {sampleRateIndex} is reserved.";
        }

        if (frameLength < (hasCrc ? 9 : 7))
        {
            return $"ADTS frame length {frameLength} is shorter than its header.";
        }

        header = new AdtsHeader(objectType, sampleRateIndex, channelConfiguration, frameLength, hasCrc, rawDataBlocks);
        return null;
    }

    /// <summary>Walks back-to-back ADTS frames without copying.</summary>
    public static AdtsFrameEnumerator EnumerateFrames(ReadOnlySpan<byte> data) => new(data);

    /// <summary>The AudioSpecificConfig equivalent of this header (the track's codec config).</summary>
    public AudioSpecificConfig ToAudioSpecificConfig() => new(ObjectType, SampleRateIndex, SampleRate, ChannelConfiguration);

    /// <summary>The AudioSpecificConfig bytes equivalent to this header.</summary>
    public byte[] ToAudioSpecificConfigBytes() => AudioSpecificConfig.Create(ObjectType, SampleRate, ChannelConfiguration);

    /// <summary>Writes a 7-byte ADTS header (no CRC) for a raw frame of <paramref name="payloadLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, in AudioSpecificConfig config, int payloadLength) =>
        Write(destination, config.ObjectType, config.SampleRateIndex, config.ChannelConfiguration, payloadLength);

    /// <summary>Writes a 7-byte ADTS header (no CRC) for a raw frame of <paramref name="payloadLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, int objectType, int sampleRateIndex, int channelConfiguration, int payloadLength)
    {
        int frameLength = payloadLength + MinimumSize;
        if (objectType is < 1 or > 4 || sampleRateIndex is < 0 or > 12 || channelConfiguration is < 0 or > 7 || payloadLength < 0 || frameLength > 0x1FFF)
        {
            throw new ArgumentOutOfRangeException(nameof(objectType), "Values do not fit an ADTS header (object type 1-4, frame < 8 KiB).");
        }

        destination[0] = 0xFF;
        destination[1] = 0xF1; // MPEG-4, layer 0, no CRC
        destination[2] = (byte)(((objectType - 1) << 6) | (sampleRateIndex << 2) | (channelConfiguration >> 2));
        destination[3] = (byte)(((channelConfiguration & 0x03) << 6) | (frameLength >> 11));
        destination[4] = (byte)(frameLength >> 3);
        destination[5] = (byte)(((frameLength & 0x07) << 5) | 0x1F); // buffer fullness 0x7FF = VBR
        destination[6] = 0xFC; // buffer fullness low bits, one raw data block
    }
}
