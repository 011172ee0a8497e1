namespace Lkm.Sdk.MpegPs;

/// <summary>Program stream map stream_type values GB28181 devices use (ISO/IEC 13818-1 Table 2-34, GB/T 28181 Annex C).</summary>
public static class PsStreamType
{
    /// <summary>AAC audio with ADTS framing.</summary>
    public const byte AacAdts = 0x0F;

    /// <summary>H.264 / AVC video, Annex-B.</summary>
    public const byte H264 = 0x1B;

    /// <summary>H.265 / HEVC video, Annex-B.</summary>
    public const byte H265 = 0x24;

    /// <summary>G.711 A-law audio (GB/T 28181).</summary>
    public const byte G711A = 0x90;

    /// <summary>G.711 µ-law audio (GB/T 28181).</summary>
    public const byte G711U = 0x91;

    /// <summary>True for the stream types the SDK turns into tracks.</summary>
    public static bool IsSupported(byte streamType) => streamType is AacAdts or H264 or H265 or G711A or G711U;
}
