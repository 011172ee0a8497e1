namespace Lkm.Sdk.Flv;

/// <summary>Numeric codec ids of FLV tag headers and onMetaData (videocodecid/audiocodecid).</summary>
public static class FlvCodecIds
{
    /// <summary>H.264 (AVC) video.</summary>
    public const int VideoAvc = 7;

    /// <summary>Legacy (pre-Enhanced-RTMP) H.265 id used by many Chinese encoders and servers.</summary>
    public const int VideoHevcLegacy = 12;

    /// <summary>MP3 audio.</summary>
    public const int AudioMp3 = 2;
    /// <summary>G.711 A-law audio.</summary>
    public const int AudioG711A = 7;
    /// <summary>G.711 µ-law audio.</summary>
    public const int AudioG711U = 8;

    /// <summary>Enhanced-RTMP audio: FourCC in the following bytes.</summary>
    public const int AudioExHeader = 9;

    /// <summary>AAC audio.</summary>
    public const int AudioAac = 10;
    /// <summary>MP3 at 8 kHz.</summary>
    public const int AudioMp3At8kHz = 14;
}
