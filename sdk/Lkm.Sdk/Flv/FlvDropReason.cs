namespace Lkm.Sdk.Flv;

/// <summary>Why <see cref="FlvIngest"/> dropped a tag; each kind is logged once, then only counted.</summary>
[Flags]
internal enum FlvDropReason
{
    None = 0,
    Empty = 1,
    UnsupportedVideoCodec = 2,
    UnsupportedAudioCodec = 4,
    UnsupportedPacketType = 8,
    BadVideoConfig = 16,
    BadAudioConfig = 32,
    FrameBeforeConfig = 64,
    BadNalFraming = 128,
    Malformed = 256,
}
