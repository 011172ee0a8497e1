namespace Lkm.DeviceSim.Media;

/// <summary>
/// One access unit of the simulated device's media: a video frame (Annex-B, parameter sets in front of key frames)
/// or an audio frame (one ADTS AAC frame, or 20 ms of G.711 samples), with 90 kHz time stamps.
/// </summary>
/// <param name="IsVideo">True for video, false for audio.</param>
/// <param name="Pts90">Presentation time stamp, 90 kHz.</param>
/// <param name="Dts90">Decoding time stamp, 90 kHz (equal to the PTS for audio).</param>
/// <param name="KeyFrame">True for a video key frame (IDR / IRAP); false for audio.</param>
/// <param name="Data">The frame's bytes; not changed after the unit is made.</param>
public readonly record struct MediaUnit(bool IsVideo, long Pts90, long Dts90, bool KeyFrame, ReadOnlyMemory<byte> Data)
{
    /// <summary>A video access unit.</summary>
    public static MediaUnit Video(ReadOnlyMemory<byte> annexB, long pts90, long dts90, bool keyFrame) => new(true, pts90, dts90, keyFrame, annexB);

    /// <summary>An audio frame.</summary>
    public static MediaUnit Audio(ReadOnlyMemory<byte> frame, long pts90) => new(false, pts90, pts90, false, frame);
}

/// <summary>The program stream types of a feed's tracks (<see cref="Lkm.Sdk.MpegPs.PsStreamType"/>; 0 = no such track).</summary>
public readonly record struct MediaFormat(byte VideoStreamType, byte AudioStreamType);
