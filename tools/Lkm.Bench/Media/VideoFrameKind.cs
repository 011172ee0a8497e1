namespace Lkm.Bench.Media;

/// <summary>
/// Classifies a video tag/message from its first two body bytes (FLV VIDEODATA header), without decoding:
/// only a coded keyframe counts, not the sequence header that also carries the keyframe flag.
/// </summary>
public static class VideoFrameKind
{
    /// <summary>True when the body starts a coded key frame (legacy AVC/HEVC NALU packet or Enhanced-RTMP coded frames).</summary>
    public static bool IsCodedKeyframe(byte first, byte second)
    {
        int frameType = (first >> 4) & 0x07;
        if (frameType != 1)
        {
            return false;
        }

        if ((first & 0x80) != 0)
        {
            // Enhanced RTMP: low nibble = packet type; 1 = CodedFrames, 3 = CodedFramesX.
            int packetType = first & 0x0F;
            return packetType is 1 or 3;
        }

        int codecId = first & 0x0F;

        // AVC (7) and the legacy HEVC id (12) have an AVCPacketType byte: 1 = NALUs, 0 = sequence header.
        return codecId is not (7 or 12) || second == 1;
    }
}
