using Lkm.Plugins.Flv.Tests.Support;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Flv.Tests;

public sealed class FlvTransStreamTests
{
    private static FlvTransStream Create(int mergeWriteMs, params MediaTrack[] tracks) => new(new TransStreamContext
    {
        StreamId = "live/test",
        Tracks = tracks,
        MergeWriteMs = mergeWriteMs,
    });

    private static List<Segment> WriteAll(FlvTransStream stream, List<MediaPacket> packets, bool flush = true)
    {
        var completed = new List<Segment>();
        foreach (var packet in packets)
        {
            stream.Write(packet, completed);
        }

        if (flush && stream.Flush() is { } last)
        {
            completed.Add(last);
        }

        return completed;
    }

    private static byte[] Bytes(Segment header, IEnumerable<Segment> segments) =>
        FlvParse.Concat(new[] { header.Memory }.Concat(segments.Select(s => s.Memory)));

    [Fact]
    public void HeaderHoldsFileHeaderMetadataAndSequenceHeadersAtTimeZero()
    {
        using var stream = Create(350, SyntheticStream.Video(0), SyntheticStream.Audio(1));

        var flv = FlvParse.Parse(stream.Header.Memory.ToArray());

        Assert.True(flv.Header.HasVideo);
        Assert.True(flv.Header.HasAudio);
        Assert.Equal(3, flv.Tags.Count);
        Assert.Equal(FlvTagType.Script, flv.Tags[0].Type);
        Assert.True(FlvParse.IsVideoSequenceHeader(flv.Tags[1]));
        Assert.True(FlvParse.IsAudioSequenceHeader(flv.Tags[2]));
        Assert.All(flv.Tags, t => Assert.Equal(0, t.Timestamp));
        Assert.Equal(SyntheticStream.AvcConfig, flv.Tags[1].Body[5..]);
        Assert.Equal(SyntheticStream.AacConfig, flv.Tags[2].Body[2..]);
        FlvParse.AssertConsistentPreviousTagSizes(flv);
        Assert.False(stream.Header.IsMedia);
        Assert.Equal(0, stream.HeaderVersion);
    }

    [Fact]
    public void AudioOnlyHeaderHasNoVideoFlagAndNoVideoTag()
    {
        using var stream = Create(350, SyntheticStream.Audio(0));

        var flv = FlvParse.Parse(stream.Header.Memory.ToArray());

        Assert.False(flv.Header.HasVideo);
        Assert.True(flv.Header.HasAudio);
        Assert.DoesNotContain(flv.Tags, t => t.Type == FlvTagType.Video);
        Assert.Single(flv.Tags, FlvParse.IsAudioSequenceHeader);
    }

    [Fact]
    public void MergeWriteZeroGivesOneSegmentPerFrame()
    {
        var packets = SyntheticStream.AudioVideo(1000);
        using var stream = Create(0, SyntheticStream.Video(0), SyntheticStream.Audio(1));

        var completed = new List<Segment>();
        foreach (var packet in packets)
        {
            int before = completed.Count;
            stream.Write(packet, completed);
            Assert.Equal(before + 1, completed.Count);
            var tags = FlvParse.Parse(Bytes(stream.Header, [completed[^1]])).Tags.Skip(3).ToList();
            var tag = Assert.Single(tags);
            Assert.Equal(packet.Dts, tag.Timestamp);
        }

        Assert.Null(stream.Flush());
        Assert.All(completed, s => Assert.True(s.IsMedia));
        SyntheticStream.Release(packets);
    }

    [Fact]
    public void MergeWriteWindowBatchesFramesAndKeyFrameStartsSegment()
    {
        // 100 frames at 25 fps (0..3960 ms), keyframe every 25 frames (every 1000 ms).
        var packets = SyntheticStream.VideoOnly(100, gop: 25);
        using var stream = Create(350, SyntheticStream.Video(0));

        var segments = WriteAll(stream, packets);

        foreach (var segment in segments)
        {
            Assert.True(segment.IsMedia);
            Assert.True(segment.EndDts - segment.StartDts < 350, $"segment {segment.StartDts}..{segment.EndDts} spans the window");
            bool atKeyFrame = segment.StartDts % 1000 == 0;
            Assert.Equal(atKeyFrame, segment.StartsWithKeyFrame);
        }

        // Each 1000 ms GOP splits into windows starting at 0, 360, 720 ms of the GOP; every keyframe starts one.
        var starts = segments.Select(s => s.StartDts).ToArray();
        long[] expected = Enumerable.Range(0, 4).SelectMany(g => new long[] { g * 1000, (g * 1000) + 360, (g * 1000) + 720 }).ToArray();
        Assert.Equal(expected, starts);

        var flv = FlvParse.Parse(Bytes(stream.Header, segments));
        Assert.Equal(100, flv.Tags.Count(t => t.Type == FlvTagType.Video && !FlvParse.IsVideoSequenceHeader(t)));
        SyntheticStream.Release(packets);
    }

    [Fact]
    public void KeyFrameStartsNewSegmentEvenInsideTheWindow()
    {
        var packets = SyntheticStream.VideoOnly(10, gop: 4);
        using var stream = Create(5000, SyntheticStream.Video(0));

        var segments = WriteAll(stream, packets);

        Assert.Equal(new long[] { 0, 160, 320 }, segments.Select(s => s.StartDts));
        Assert.All(segments, s => Assert.True(s.StartsWithKeyFrame));
        SyntheticStream.Release(packets);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(350)]
    public void HeaderPlusSegmentsIsOneValidFlv(int mergeWriteMs)
    {
        var packets = SyntheticStream.AudioVideo(3000);
        using var stream = Create(mergeWriteMs, SyntheticStream.Video(0), SyntheticStream.Audio(1));

        var segments = WriteAll(stream, packets);
        var flv = FlvParse.Parse(Bytes(stream.Header, segments));

        FlvParse.AssertConsistentPreviousTagSizes(flv);
        FlvParse.AssertMonotonicTimestamps(flv);
        Assert.Equal(3 + packets.Count, flv.Tags.Count);
        Assert.Equal(packets.Select(p => p.Dts), flv.Tags.Skip(3).Select(t => t.Timestamp));

        // A player joining at a later keyframe segment gets the same header and still a valid stream.
        int join = segments.FindIndex(1, s => s.StartsWithKeyFrame);
        Assert.True(join > 0);
        var late = FlvParse.Parse(Bytes(stream.Header, segments.Skip(join)));
        FlvParse.AssertConsistentPreviousTagSizes(late);
        Assert.Equal(FlvTagType.Video, late.Tags[3].Type);
        Assert.Equal(1, late.Tags[3].Body[0] >> 4); // FLV frame type 1 = keyframe
        SyntheticStream.Release(packets);
    }

    [Fact]
    public void PacketOfUnknownTrackIsDropped()
    {
        using var stream = Create(0, SyntheticStream.Video(0));
        var packet = SyntheticStream.AudioFrame(7, 0);
        var completed = new List<Segment>();

        stream.Write(packet, completed);

        Assert.Empty(completed);
        Assert.Null(stream.Flush());
        packet.Release();
    }

    [Fact]
    public void TrackFlvCannotCarryIsLeftOut()
    {
        var opus = new MediaTrack { Codec = CodecId.Opus, Index = 1, SampleRate = 48000, Channels = 2 };
        using var stream = Create(0, SyntheticStream.Video(0), opus);
        var video = SyntheticStream.VideoFrame(0, 0, keyFrame: true);
        var audio = SyntheticStream.AudioFrame(1, 0);
        var completed = new List<Segment>();

        stream.Write(video, completed);
        stream.Write(audio, completed);

        var flv = FlvParse.Parse(Bytes(stream.Header, completed));
        Assert.False(flv.Header.HasAudio);
        Assert.DoesNotContain(flv.Tags, t => t.Type == FlvTagType.Audio);
        Assert.Single(completed);
        video.Release();
        audio.Release();
    }

    [Fact]
    public void NewCodecConfigGoesInBandWithoutSecondFileHeader()
    {
        using var stream = Create(350, SyntheticStream.Video(0), SyntheticStream.Audio(1));
        var first = SyntheticStream.AudioVideo(1000);
        var segments = WriteAll(stream, first, flush: false);
        var oldHeader = stream.Header.Memory.ToArray();

        byte[] newAvc = [.. SyntheticStream.AvcConfig];
        newAvc[^1] ^= 0xFF;
        var changed = new List<Segment>();
        stream.OnTracksChanged([SyntheticStream.Video(0, newAvc), SyntheticStream.Audio(1)], StreamMetadata.Empty, changed);

        // The pending partial window was flushed; nothing in-band left yet (it waits for the next frame).
        var pending = Assert.Single(changed);
        Assert.True(pending.IsMedia);
        segments.AddRange(changed);
        Assert.Equal(1, stream.HeaderVersion);

        var second = SyntheticStream.VideoOnly(30, gop: 25, startDts: 1000);
        segments.AddRange(WriteAll(stream, second));

        var flv = FlvParse.Parse(Bytes(SegmentOf(oldHeader), segments));
        FlvParse.AssertConsistentPreviousTagSizes(flv);
        FlvParse.AssertMonotonicTimestamps(flv);
        var inBand = flv.Tags.Skip(3).Where(t => FlvParse.IsVideoSequenceHeader(t) || FlvParse.IsAudioSequenceHeader(t)).ToList();
        var videoHeader = Assert.Single(inBand);
        Assert.True(FlvParse.IsVideoSequenceHeader(videoHeader));
        Assert.Equal(newAvc, videoHeader.Body[5..]);
        Assert.Equal(first.Max(p => p.Dts), videoHeader.Timestamp);

        // The in-band header sits right before the first frame written after the change.
        int at = flv.Tags.IndexOf(videoHeader);
        Assert.Equal(1000, flv.Tags[at + 1].Timestamp);

        // New players get the new config in the rebuilt header.
        var header = FlvParse.Parse(stream.Header.Memory.ToArray());
        Assert.Equal(newAvc, header.Tags.Single(FlvParse.IsVideoSequenceHeader).Body[5..]);

        SyntheticStream.Release(first);
        SyntheticStream.Release(second);
    }

    [Fact]
    public void LateAudioTrackGetsInBandSequenceHeaderAndNewPlayersSeeItInHeader()
    {
        using var stream = Create(0, SyntheticStream.Video(0));
        var video = SyntheticStream.VideoOnly(5);
        var segments = WriteAll(stream, video);
        Assert.False(FlvParse.Parse(stream.Header.Memory.ToArray()).Header.HasAudio);
        var oldHeader = stream.Header.Memory.ToArray();

        var changed = new List<Segment>();
        stream.OnTracksChanged([SyntheticStream.Video(0), SyntheticStream.Audio(1)], StreamMetadata.Empty, changed);
        Assert.Empty(changed);
        var audio = SyntheticStream.AudioFrame(1, 200);
        stream.Write(audio, changed);
        segments.AddRange(changed);

        var flv = FlvParse.Parse(Bytes(SegmentOf(oldHeader), segments));
        FlvParse.AssertConsistentPreviousTagSizes(flv);
        var tags = flv.Tags.Skip(2).ToList();
        Assert.Equal(5, tags.Count(t => t.Type == FlvTagType.Video));
        Assert.True(FlvParse.IsAudioSequenceHeader(tags[^2]));
        Assert.Equal(160, tags[^2].Timestamp);
        Assert.Equal(FlvTagType.Audio, tags[^1].Type);
        Assert.Equal(200, tags[^1].Timestamp);

        var header = FlvParse.Parse(stream.Header.Memory.ToArray());
        Assert.True(header.Header.HasAudio);
        Assert.Single(header.Tags, FlvParse.IsAudioSequenceHeader);
        SyntheticStream.Release(video);
        audio.Release();
    }

    [Fact]
    public void UnchangedTracksEmitNothingInBand()
    {
        using var stream = Create(0, SyntheticStream.Video(0), SyntheticStream.Audio(1));
        var packets = SyntheticStream.AudioVideo(200);
        var segments = WriteAll(stream, packets);

        var changed = new List<Segment>();
        stream.OnTracksChanged([SyntheticStream.Video(0), SyntheticStream.Audio(1)], StreamMetadata.Empty, changed);

        Assert.Empty(changed);
        Assert.Null(stream.Flush());
        Assert.Equal(1, stream.HeaderVersion);
        SyntheticStream.Release(packets);
        Assert.NotEmpty(segments);
    }

    [Fact]
    public void FlushAfterTrackChangeHandsOutInBandHeadersAsNonMediaSegment()
    {
        using var stream = Create(350, SyntheticStream.Video(0));
        var packets = SyntheticStream.VideoOnly(3);
        WriteAll(stream, packets);

        var changed = new List<Segment>();
        stream.OnTracksChanged([SyntheticStream.Video(0, [.. SyntheticStream.AvcConfig, 0x00])], StreamMetadata.Empty, changed);
        var inBand = stream.Flush();

        Assert.NotNull(inBand);
        Assert.False(inBand.IsMedia);
        SyntheticStream.Release(packets);
    }

    private static Segment SegmentOf(byte[] bytes) => Segment.CopyOf(bytes);
}
