using System.Buffers;
using Lkm.Sdk.Flv;

namespace Lkm.Interop.Tests.Support;

public sealed record FlvSummary(int Tags, int VideoTags, int AudioTags, int KeyFrames, long FirstVideoTimestamp, long LastTimestamp, bool FirstVideoIsSequenceHeader, bool FirstVideoFrameIsKey);

/// <summary>
/// Parses captured FLV bytes with the SDK reader and checks what players rely on: one file header,
/// PreviousTagSize equal to the previous tag's size everywhere, non-decreasing timestamps per track.
/// A trailing partial tag (capture cut mid-tag) is allowed.
/// </summary>
public static class FlvCheck
{
    public static FlvSummary Validate(byte[] bytes)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(FlvReader.TryReadFileHeader(ref reader, out var header), "no complete FLV header");
        Assert.True(header.HasVideo || header.HasAudio, "FLV header declares neither audio nor video");

        int tags = 0, video = 0, audio = 0, keys = 0;
        long lastVideo = long.MinValue, lastAudio = long.MinValue, firstVideo = -1, last = 0;
        bool firstVideoIsSeq = false, firstFrameKey = false, sawFrame = false;
        while (FlvReader.TryReadTag(ref reader, out var tag))
        {
            tags++;
            Assert.Equal((uint)(tag.Body.Length + FlvWriter.TagHeaderSize), tag.PreviousTagSize);
            var body = tag.Body.ToArray();
            if (tag.Type == FlvTagType.Video)
            {
                Assert.True(tag.Timestamp >= lastVideo, $"video timestamp went back from {lastVideo} to {tag.Timestamp} at tag {tags}");
                lastVideo = tag.Timestamp;
                if (video == 0)
                {
                    firstVideo = tag.Timestamp;
                    firstVideoIsSeq = IsSequenceHeader(body);
                }

                bool key = body.Length > 0 && ((body[0] & 0x70) >> 4) == 1;
                if (!IsSequenceHeader(body))
                {
                    if (!sawFrame)
                    {
                        firstFrameKey = key;
                        sawFrame = true;
                    }

                    keys += key ? 1 : 0;
                }

                video++;
            }
            else if (tag.Type == FlvTagType.Audio)
            {
                Assert.True(tag.Timestamp >= lastAudio, $"audio timestamp went back from {lastAudio} to {tag.Timestamp} at tag {tags}");
                lastAudio = tag.Timestamp;
                audio++;
            }

            last = Math.Max(last, tag.Timestamp);
        }

        return new FlvSummary(tags, video, audio, keys, firstVideo, last, firstVideoIsSeq, firstFrameKey);
    }

    /// <summary>AVC/legacy-HEVC packet type 0, or Enhanced-RTMP SequenceStart.</summary>
    public static bool IsSequenceHeader(byte[] body)
    {
        if (body.Length < 2)
        {
            return false;
        }

        if ((body[0] & 0x80) != 0)
        {
            return (body[0] & 0x0F) == 0;
        }

        return body[1] == 0;
    }
}
