namespace Lkm.Sdk.Media;

/// <summary>Codecs the server carries. Payload forms are stated on <see cref="MediaPacket"/>.</summary>
public enum CodecId
{
    Unknown = 0,
    H264,
    H265,
    Av1,
    Vp9,
    Aac,
    Mp3,
    G711A,
    G711U,
    Opus,
}

public enum MediaType
{
    Video,
    Audio,
}

public static class CodecIdExtensions
{
    public static MediaType MediaType(this CodecId codec) => codec switch
    {
        CodecId.H264 or CodecId.H265 or CodecId.Av1 or CodecId.Vp9 => Media.MediaType.Video,
        _ => Media.MediaType.Audio,
    };

    /// <summary>Short lowercase name used in logs, the API and metadata.</summary>
    public static string Name(this CodecId codec) => codec switch
    {
        CodecId.H264 => "h264",
        CodecId.H265 => "h265",
        CodecId.Av1 => "av1",
        CodecId.Vp9 => "vp9",
        CodecId.Aac => "aac",
        CodecId.Mp3 => "mp3",
        CodecId.G711A => "pcma",
        CodecId.G711U => "pcmu",
        CodecId.Opus => "opus",
        _ => "unknown",
    };
}
