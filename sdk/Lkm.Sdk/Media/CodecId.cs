namespace Lkm.Sdk.Media;

/// <summary>Codecs the server carries. Payload forms are stated on <see cref="MediaPacket"/>.</summary>
public enum CodecId
{
    /// <summary>Not known or not supported.</summary>
    Unknown = 0,
    /// <summary>H.264 / AVC video.</summary>
    H264,
    /// <summary>H.265 / HEVC video.</summary>
    H265,
    /// <summary>AV1 video.</summary>
    Av1,
    /// <summary>VP9 video.</summary>
    Vp9,
    /// <summary>AAC audio.</summary>
    Aac,
    /// <summary>MP3 (MPEG-1/2 layer III) audio.</summary>
    Mp3,
    /// <summary>G.711 A-law audio (PCMA).</summary>
    G711A,
    /// <summary>G.711 µ-law audio (PCMU).</summary>
    G711U,
    /// <summary>Opus audio.</summary>
    Opus,
}

/// <summary>Whether a track carries video or audio.</summary>
public enum MediaType
{
    /// <summary>A video track.</summary>
    Video,
    /// <summary>An audio track.</summary>
    Audio,
}

/// <summary>Facts about a <see cref="CodecId"/>.</summary>
public static class CodecIdExtensions
{
    /// <summary>Video for the video codecs, audio for everything else (including <see cref="CodecId.Unknown"/>).</summary>
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
