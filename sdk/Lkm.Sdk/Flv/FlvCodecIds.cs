namespace Lkm.Sdk.Flv;

/// <summary>Numeric codec ids of FLV tag headers and onMetaData (videocodecid/audiocodecid).</summary>
public static class FlvCodecIds
{
    public const int VideoAvc = 7;

    /// <summary>Legacy (pre-Enhanced-RTMP) H.265 id used by many Chinese encoders and servers.</summary>
    public const int VideoHevcLegacy = 12;

    public const int AudioMp3 = 2;
    public const int AudioG711A = 7;
    public const int AudioG711U = 8;

    /// <summary>Enhanced-RTMP audio: FourCC in the following bytes.</summary>
    public const int AudioExHeader = 9;

    public const int AudioAac = 10;
    public const int AudioMp3At8kHz = 14;
}
