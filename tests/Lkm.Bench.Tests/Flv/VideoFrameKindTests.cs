using Lkm.Bench.Media;

namespace Lkm.Bench.Tests.Flv;

public sealed class VideoFrameKindTests
{
    [Theory]
    [InlineData(0x17, 0x01, true)] // AVC key frame, NALUs
    [InlineData(0x17, 0x00, false)] // AVC sequence header
    [InlineData(0x17, 0x02, false)] // AVC end of sequence
    [InlineData(0x27, 0x01, false)] // AVC inter frame
    [InlineData(0x1C, 0x01, true)] // legacy HEVC id 12, NALUs
    [InlineData(0x1C, 0x00, false)]
    [InlineData(0x12, 0x00, true)] // Sorenson H.263 key frame: no packet type byte
    [InlineData(0x91, 0x00, true)] // E-RTMP CodedFrames, key
    [InlineData(0x93, 0x00, true)] // E-RTMP CodedFramesX, key
    [InlineData(0x90, 0x00, false)] // E-RTMP SequenceStart
    [InlineData(0x92, 0x00, false)] // E-RTMP SequenceEnd
    [InlineData(0xA1, 0x00, false)] // E-RTMP inter frame
    [InlineData(0x57, 0x01, false)] // video info/command frame
    public void Classifies_from_the_first_two_bytes(byte first, byte second, bool keyframe) =>
        Assert.Equal(keyframe, VideoFrameKind.IsCodedKeyframe(first, second));
}
