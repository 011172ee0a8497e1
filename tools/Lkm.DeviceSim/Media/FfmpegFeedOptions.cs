namespace Lkm.DeviceSim.Media;

/// <summary>What happens to the input's video.</summary>
public enum VideoMode
{
    /// <summary>Copied as it is (must be H.264 or H.265).</summary>
    Copy,

    /// <summary>Encoded with libx264 (ultrafast, zero latency, a key frame every second).</summary>
    H264,

    /// <summary>Encoded with libx265 (ultrafast, no B-frames, a key frame every second).</summary>
    H265,

    /// <summary>No video.</summary>
    None,
}

/// <summary>What happens to the input's audio.</summary>
public enum AudioMode
{
    /// <summary>AAC if the input has audio, none otherwise.</summary>
    Auto,

    /// <summary>AAC (ADTS).</summary>
    Aac,

    /// <summary>G.711 A-law, 8 kHz mono, 20 ms frames.</summary>
    Pcma,

    /// <summary>G.711 µ-law, 8 kHz mono, 20 ms frames.</summary>
    Pcmu,

    /// <summary>No audio.</summary>
    None,
}

/// <summary>How <see cref="FfmpegMediaFeed"/> runs ffmpeg.</summary>
public sealed class FfmpegFeedOptions
{
    /// <summary>Prefix of an input that is a libavfilter source graph (<c>lavfi:testsrc=size=320x240:rate=25</c>).</summary>
    public const string LavfiPrefix = "lavfi:";

    /// <summary>A file, a URL ffmpeg reads, or <c>lavfi:GRAPH</c>.</summary>
    public required string Input { get; init; }

    /// <summary>A second input the audio is taken from (e.g. <c>lavfi:sine=frequency=1000</c>); null = the audio of <see cref="Input"/>.</summary>
    public string? InputAudio { get; init; }

    /// <summary>Video handling; default copy.</summary>
    public VideoMode Video { get; init; } = VideoMode.Copy;

    /// <summary>
    /// Video bit rate of a re-encode (<see cref="VideoMode.H264"/>, <see cref="VideoMode.H265"/>) in kbit/s, held near
    /// constant (maxrate = the rate, a 0.5 s VBV buffer); null = the encoder's default (quality-based, CRF).
    /// </summary>
    public int? VideoBitrateKbps { get; init; }

    /// <summary>Audio handling; default AAC when there is audio.</summary>
    public AudioMode Audio { get; init; } = AudioMode.Auto;

    /// <summary>The ffmpeg executable (a name looked up in PATH, or a path).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Access units read ahead of the sender per ffmpeg process (the bound of the read-ahead queue).</summary>
    public int ReadAheadUnits { get; init; } = 512;
}
