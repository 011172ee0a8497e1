namespace Lkm.Sdk.MpegPs;

/// <summary>
/// One whole frame of one elementary stream of a program stream: its PES payloads joined (a large video frame may
/// span several PES; parameter sets may ride in their own PES with the same time stamp). <see cref="Data"/> is only
/// valid during the call that receives it.
/// </summary>
public readonly ref struct PsFrame
{
    /// <summary>A frame of <paramref name="streamId"/> (0xC0–0xEF) of <paramref name="streamType"/>.</summary>
    public PsFrame(byte streamId, byte streamType, long? pts, long? dts, ReadOnlySpan<byte> data)
    {
        StreamId = streamId;
        StreamType = streamType;
        Pts = pts;
        Dts = dts;
        Data = data;
    }

    /// <summary>The PES stream id: 0xE0–0xEF video, 0xC0–0xDF audio.</summary>
    public byte StreamId { get; }

    /// <summary>The stream type from the program stream map, or guessed for a stream the map does not list (see <see cref="PsDemuxer"/>).</summary>
    public byte StreamType { get; }

    /// <summary>Presentation time stamp (33-bit, 90 kHz) of the frame's first PES, if it had one.</summary>
    public long? Pts { get; }

    /// <summary>Decoding time stamp (33-bit, 90 kHz) of the frame's first PES, if it had one.</summary>
    public long? Dts { get; }

    /// <summary>The elementary stream bytes (Annex-B video, ADTS or raw G.711 audio).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>True for a video stream id.</summary>
    public bool IsVideo => StreamId is >= 0xE0 and <= 0xEF;
}
