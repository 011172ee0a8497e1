namespace Lkm.Sdk.Media;

/// <summary>
/// One elementary stream of a source. Timestamps of its packets are in milliseconds.
/// <see cref="CodecConfig"/> holds the codec's out-of-band configuration in its FLV/MP4 form:
/// AVCDecoderConfigurationRecord (H.264), HEVCDecoderConfigurationRecord (H.265),
/// AudioSpecificConfig (AAC); empty for codecs without one (G.711, MP3).
/// </summary>
public sealed record MediaTrack
{
    /// <summary>The track's codec.</summary>
    public required CodecId Codec { get; init; }

    /// <summary>Video or audio, from <see cref="Codec"/>.</summary>
    public MediaType MediaType => Codec.MediaType();

    /// <summary>Index of the track in its source (assigned by the hub, in the order tracks were added).</summary>
    public int Index { get; init; }

    /// <summary>The codec's out-of-band configuration (see the type's summary); empty when the codec has none.</summary>
    public ReadOnlyMemory<byte> CodecConfig { get; init; }

    /// <summary>Picture width in pixels (video; 0 when unknown).</summary>
    public int Width { get; init; }

    /// <summary>Picture height in pixels (video; 0 when unknown).</summary>
    public int Height { get; init; }

    /// <summary>Sample rate in Hz (audio).</summary>
    public int SampleRate { get; init; }

    /// <summary>Channel count (audio).</summary>
    public int Channels { get; init; }

    /// <summary>Bits per sample for PCM-like codecs (G.711: 8); 16 otherwise.</summary>
    public int SampleSize { get; init; } = 16;

    /// <summary>True when two tracks can be continued into each other by a resumed publisher.</summary>
    public bool IsCompatibleWith(MediaTrack other) =>
        Codec == other.Codec && (MediaType == MediaType.Video || (SampleRate == other.SampleRate && Channels == other.Channels));

    /// <summary>Codec and size or rate, for logs.</summary>
    public override string ToString() => MediaType == MediaType.Video
        ? $"{Codec.Name()} {Width}x{Height}"
        : $"{Codec.Name()} {SampleRate} Hz {Channels} ch";
}
