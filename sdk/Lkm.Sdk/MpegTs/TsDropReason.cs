namespace Lkm.Sdk.MpegTs;

/// <summary>Why <see cref="TsIngest"/> dropped a frame or bytes; each kind is logged once, then only counted.</summary>
[Flags]
internal enum TsDropReason
{
    None = 0,
    Empty = 1,
    FrameBeforeConfig = 2,
    BrokenAdts = 4,
    UnsupportedStream = 8,
    Oversized = 16,

    /// <summary>Not a drop: the time stamps jumped and were re-placed (logged once like the drops).</summary>
    TimestampJump = 32,
}
