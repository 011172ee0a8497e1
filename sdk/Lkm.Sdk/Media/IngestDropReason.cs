namespace Lkm.Sdk.Media;

/// <summary>Why an <see cref="ElementaryStreamIngest"/> (or the container reader feeding it) dropped something; each kind is logged once, then only counted.</summary>
[Flags]
public enum IngestDropReason
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>A frame without content (no NAL units).</summary>
    Empty = 1,

    /// <summary>A video frame before the parameter sets of its codec.</summary>
    FrameBeforeConfig = 2,

    /// <summary>Audio that is not whole ADTS frames of a supported object type.</summary>
    BrokenAdts = 4,

    /// <summary>A stream of a type the SDK does not carry (not counted as a dropped frame).</summary>
    UnsupportedStream = 8,

    /// <summary>A frame over the size bound.</summary>
    Oversized = 16,

    /// <summary>Not a drop: the time stamps jumped and were re-placed after the last ones.</summary>
    TimestampJump = 32,
}
