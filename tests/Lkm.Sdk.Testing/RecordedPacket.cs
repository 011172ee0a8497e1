using Lkm.Sdk.Media;

namespace Lkm.Sdk.Testing;

/// <summary>A copy of a <see cref="MediaPacket"/> as a plugin handed it to a publisher; independent of the pooled buffer.</summary>
/// <param name="TrackIndex">Index of the packet's track.</param>
/// <param name="Dts">Decode timestamp (ms).</param>
/// <param name="Pts">Presentation timestamp (ms).</param>
/// <param name="IsKeyFrame">True for a video keyframe (always true for audio).</param>
/// <param name="Data">The payload bytes (AVCC for video, raw frames for audio).</param>
public sealed record RecordedPacket(int TrackIndex, long Dts, long Pts, bool IsKeyFrame, byte[] Data)
{
    /// <summary>Copies a packet's fields and payload.</summary>
    public static RecordedPacket Of(in MediaPacket packet) =>
        new(packet.TrackIndex, packet.Dts, packet.Pts, packet.IsKeyFrame, packet.Data.ToArray());
}
