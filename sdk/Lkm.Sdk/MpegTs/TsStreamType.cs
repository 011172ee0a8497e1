namespace Lkm.Sdk.MpegTs;

/// <summary>PMT stream_type values (ISO/IEC 13818-1 Table 2-34) the demuxer carries.</summary>
public static class TsStreamType
{
    /// <summary>AAC audio with ADTS framing (ISO/IEC 13818-7).</summary>
    public const byte AacAdts = 0x0F;

    /// <summary>H.264 / AVC video, Annex-B.</summary>
    public const byte H264 = 0x1B;

    /// <summary>H.265 / HEVC video, Annex-B.</summary>
    public const byte H265 = 0x24;

    /// <summary>True for the stream types the SDK turns into tracks.</summary>
    public static bool IsSupported(byte streamType) => streamType is AacAdts or H264 or H265;
}
