using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.MpegTs;

/// <summary>Real ffmpeg TS (the committed asset, and ffmpeg run at test time for H.265) through <see cref="TsIngest"/>.</summary>
public class TsIngestTests
{
    [Theory]
    [InlineData(1316)] // 7 packets: one UDP datagram as ffmpeg sends it (pkt_size=1316)
    [InlineData(1000)] // TCP reads that split packets anywhere
    [InlineData(1)]
    [InlineData(1 << 20)]
    public void Ffmpeg_ts_becomes_h264_and_aac_tracks_and_packets(int chunkSize)
    {
        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest(TsSamples.H264Aac, publisher, chunkSize);

        Assert.Equal(0, ingest.DroppedFrames);
        Assert.Equal(0, ingest.Demuxer.Errors);
        Assert.Equal(0, ingest.Demuxer.ContinuityErrors);
        Assert.Equal(0, ingest.Demuxer.Resyncs);
        Assert.True(ingest.TracksCompleted);
        Assert.Equal(1, publisher.TracksCompleteCalls);
        Assert.Equal(TsSamples.H264Aac.Length, publisher.BytesReceived);
        Assert.Equal(2, publisher.Tracks.Count);

        var video = publisher.Tracks.Single(t => t.MediaType == MediaType.Video);
        Assert.Equal((CodecId.H264, 160, 120), (video.Codec, video.Width, video.Height));
        Assert.True(AvcDecoderConfigurationRecord.TryParse(video.CodecConfig.Span, out _));
        var audio = publisher.Tracks.Single(t => t.MediaType == MediaType.Audio);
        Assert.Equal((CodecId.Aac, 44100, 1), (audio.Codec, audio.SampleRate, audio.Channels));
        Assert.True(AudioSpecificConfig.TryParse(audio.CodecConfig.Span, out var asc));
        Assert.Equal(44100, asc.SampleRate);

        var videoPackets = publisher.PacketsOf(video.Index);
        var audioPackets = publisher.PacketsOf(audio.Index);
        Assert.Equal(25, videoPackets.Count);
        Assert.Equal(45, audioPackets.Count);
        Assert.True(videoPackets[0].IsKeyFrame);
        Assert.Single(videoPackets, p => p.IsKeyFrame);
        Assert.All(videoPackets, p => Assert.True(Avcc.IsValid(p.Data)));
        Assert.All(videoPackets, p => AssertNoAud(p.Data));
        Assert.All(videoPackets, p => Assert.True(p.Pts >= p.Dts));
        AssertMonotonic(videoPackets.Select(p => p.Dts));
        AssertMonotonic(audioPackets.Select(p => p.Dts));
        Assert.InRange(videoPackets[^1].Dts - videoPackets[0].Dts, 940, 980); // 24 frames at 40 ms
        Assert.InRange(audioPackets[^1].Dts - audioPackets[0].Dts, 1000 - 60, 1000 + 30);
        Assert.All(audioPackets, p => Assert.False(AdtsHeader.HasSyncWord(p.Data)));
    }

    [Theory]
    [InlineData("libx264", CodecId.H264)]
    [InlineData("libx265", CodecId.H265)]
    public async Task Ffmpeg_ts_of_each_video_codec_is_ingested(string encoder, CodecId codec)
    {
        var ts = await Ffmpeg.RunAsync("ffmpeg",
        [
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "2", "-c:v", encoder, "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
            .. (codec == CodecId.H265 ? new[] { "-x265-params", "log-level=error" } : []),
            "-c:a", "aac", "-ac", "2", "-f", "mpegts", "pipe:1",
        ]);

        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest(ts, publisher, 4096);

        Assert.Equal(0, ingest.DroppedFrames);
        var video = publisher.Tracks.Single(t => t.MediaType == MediaType.Video);
        Assert.Equal((codec, 320, 240), (video.Codec, video.Width, video.Height));
        var audio = publisher.Tracks.Single(t => t.MediaType == MediaType.Audio);
        Assert.Equal((CodecId.Aac, 48000, 2), (audio.Codec, audio.SampleRate, audio.Channels));
        var frames = publisher.PacketsOf(video.Index);
        Assert.Equal(50, frames.Count);
        Assert.Equal(2, frames.Count(p => p.IsKeyFrame));
        Assert.True(frames[0].IsKeyFrame);
        Assert.All(frames, p => Assert.True(Avcc.IsValid(p.Data)));
        Assert.True(publisher.PacketsOf(audio.Index).Count > 80);
    }

    [Fact]
    public void Garbage_before_and_inside_the_stream_is_skipped_by_resync()
    {
        var packets = TsSamples.Packets(TsSamples.H264Aac);
        var junk = new byte[500];
        new Random(5).NextBytes(junk);
        junk.AsSpan().Replace((byte)0x47, (byte)0x46);
        var input = new List<byte>(junk);
        for (int i = 0; i < packets.Count; i++)
        {
            input.AddRange(packets[i]);
            if (i == 40)
            {
                input.AddRange(junk.AsSpan(0, 77).ToArray()); // a burst of noise between two packets
            }
        }

        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest([.. input], publisher, 1316);

        Assert.True(ingest.Demuxer.Resyncs >= 2, $"resyncs {ingest.Demuxer.Resyncs}");
        Assert.True(ingest.Demuxer.SkippedBytes >= 577, $"skipped {ingest.Demuxer.SkippedBytes}");
        Assert.Equal(2, publisher.Tracks.Count);
        // At worst the packet before the noise is lost with it (its successor cannot vouch for its sync byte).
        var without = new RecordingPublisher();
        TsSamples.Ingest([.. packets.Where((_, i) => i != 40).SelectMany(p => p)], without, 1316);
        Assert.True(publisher.Packets.Count >= without.Packets.Count, $"packets {publisher.Packets.Count} < {without.Packets.Count}");
        Assert.All(publisher.Packets.Where(p => p.TrackIndex == 0), p => Assert.True(Avcc.IsValid(p.Data)));
    }

    [Fact]
    public void Lost_packets_drop_whole_frames_and_are_counted()
    {
        var packets = TsSamples.Packets(TsSamples.H264Aac);
        var kept = packets.Where((_, i) => i < 20 || i % 9 != 0).SelectMany(p => p).ToArray();

        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest(kept, publisher, 1316);

        Assert.True(ingest.Demuxer.ContinuityErrors > 0);
        Assert.True(ingest.Demuxer.DroppedPes > 0);
        var video = publisher.Tracks.Single(t => t.MediaType == MediaType.Video);
        var frames = publisher.PacketsOf(video.Index);
        Assert.InRange(frames.Count, 1, 24);
        Assert.All(frames, p => Assert.True(Avcc.IsValid(p.Data)));
    }

    [Fact]
    public void Duplicate_packets_are_ignored()
    {
        var packets = TsSamples.Packets(TsSamples.H264Aac);
        var doubled = packets.SelectMany(p => p.Concat(p)).ToArray();

        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest(doubled, publisher, 1316);

        Assert.Equal(0, ingest.Demuxer.ContinuityErrors);
        Assert.Equal(25, publisher.PacketsOf(publisher.Tracks.Single(t => t.MediaType == MediaType.Video).Index).Count);
    }

    [Fact]
    public void A_pes_longer_than_the_bound_is_dropped_with_bounded_memory()
    {
        var packets = TsSamples.Packets(TsSamples.H264Aac);
        var publisher = new RecordingPublisher();
        using var ingest = new TsIngest(publisher, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, maxPesSize: 64 * 1024);

        // PAT and PMT from the asset, then a video PES that never ends: 20 MB of continuation packets.
        foreach (var packet in packets.TakeWhile(_ => ingest.Demuxer.ProgramMap is null))
        {
            ingest.Feed(packet);
        }

        int videoPid = ingest.Demuxer.ProgramMap!.Streams.Single(s => s.StreamType == TsStreamType.H264).Pid;
        var start = TsBuilder.Packet(videoPid, unitStart: true, continuity: 0, [0, 0, 1, 0xE0, 0, 0, 0x80, 0, 0, 0, 0, 0, 1, 0x65]);
        ingest.Feed(start);
        var filler = new byte[184];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < 110_000; i++)
        {
            ingest.Feed(TsBuilder.Packet(videoPid, unitStart: false, continuity: i & 0x0F, filler, reuse: true));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
        Assert.Equal(1, ingest.Demuxer.DroppedPes);
        Assert.Empty(publisher.Packets);
    }

    [Fact]
    public void A_frame_split_over_several_bounded_pes_is_joined()
    {
        // The asset's video frames, re-muxed as a hardware encoder does: bounded PES of at most 500 bytes, PTS on the first only.
        var frames = new FrameCollector();
        using (var demuxer = new TsDemuxer(frames))
        {
            demuxer.Feed(TsSamples.H264Aac);
            demuxer.Flush();
        }

        int cc = 0;
        var ts = new List<byte>();
        ts.AddRange(TsBuilder.Packet(0, unitStart: true, continuity: 0, [0, .. TsBuilder.Section(0x00, 1, [0, 1, 0xF0, 0x00])]));
        ts.AddRange(TsBuilder.Packet(0x1000, unitStart: true, continuity: 0, [0, .. TsBuilder.Section(0x02, 1, [0xE1, 0x00, 0xF0, 0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x00])]));
        foreach (var (payload, pts, dts) in frames.Video)
        {
            for (int offset = 0; offset < payload.Length; offset += 500)
            {
                var chunk = payload.AsSpan(offset, Math.Min(500, payload.Length - offset));
                var pes = offset == 0 ? TsBuilder.Pes(0xE0, pts, dts, chunk, bounded: true) : TsBuilder.Pes(0xE0, null, null, chunk, bounded: true);
                foreach (var packet in TsBuilder.Packetize(0x100, pes, () => cc++ & 0x0F))
                {
                    ts.AddRange(packet);
                }
            }
        }

        var reference = new RecordingPublisher();
        TsSamples.Ingest(TsSamples.H264Aac, reference, 1316);
        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest([.. ts], publisher, 1316);

        Assert.True(frames.Video.Any(f => f.Payload.Length > 1000), "the test needs frames split in three or more");
        Assert.Equal(0, ingest.DroppedFrames);
        var expected = reference.PacketsOf(reference.Tracks.Single(t => t.MediaType == MediaType.Video).Index);
        var actual = publisher.PacketsOf(0);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, actual[i].Data);
            Assert.Equal((expected[i].Dts, expected[i].Pts, expected[i].IsKeyFrame), (actual[i].Dts, actual[i].Pts, actual[i].IsKeyFrame));
        }
    }

    [Theory]
    [InlineData(-8_000)] // an encoder restarted: its clock starts over
    [InlineData(3_600_000)] // its clock leapt an hour ahead
    public void Time_stamps_that_jump_go_on_from_where_they_left_off(long jumpMs)
    {
        var frames = new FrameCollector();
        using (var demuxer = new TsDemuxer(frames))
        {
            demuxer.Feed(TsSamples.H264Aac);
            demuxer.Flush();
        }

        // The asset's video twice in a row, the second time with every time stamp moved by jumpMs.
        int cc = 0;
        var ts = new List<byte>();
        ts.AddRange(TsBuilder.Packet(0, unitStart: true, continuity: 0, [0, .. TsBuilder.Section(0x00, 1, [0, 1, 0xF0, 0x00])]));
        ts.AddRange(TsBuilder.Packet(0x1000, unitStart: true, continuity: 0, [0, .. TsBuilder.Section(0x02, 1, [0xE1, 0x00, 0xF0, 0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x00])]));
        long duration90 = frames.Video.Max(f => f.Pts!.Value) - frames.Video.Min(f => f.Pts!.Value) + 3600;
        foreach (long shift in new[] { 0L, duration90 + (jumpMs * 90) })
        {
            foreach (var (payload, pts, dts) in frames.Video)
            {
                var pes = TsBuilder.Pes(0xE0, pts + shift, dts + shift, payload, bounded: false);
                foreach (var packet in TsBuilder.Packetize(0x100, pes, () => cc++ & 0x0F))
                {
                    ts.AddRange(packet);
                }
            }
        }

        var publisher = new RecordingPublisher();
        var ingest = TsSamples.Ingest([.. ts], publisher, 1316);

        var times = publisher.PacketsOf(0).Select(p => p.Dts).ToList();
        Assert.Equal(2 * frames.Video.Count, times.Count);
        Assert.Equal(1, ingest.Discontinuities);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second >= pair.First, $"{pair.Second} after {pair.First}"));
        long firstHalfEnd = times[frames.Video.Count - 1];
        long secondHalfStart = times[frames.Video.Count];
        Assert.InRange(secondHalfStart - firstHalfEnd, 1, 1000); // fed at once: placed right after the last
    }

    private sealed class FrameCollector : ITsPesReceiver
    {
        public List<(byte[] Payload, long? Pts, long? Dts)> Video { get; } = [];

        public void OnProgramMap(ProgramMapTable map)
        {
        }

        public void OnPes(in TsPes pes)
        {
            if (pes.Stream.StreamType == TsStreamType.H264)
            {
                Video.Add((pes.Payload.ToArray(), pes.Header.Pts, pes.Header.Dts));
            }
        }
    }

    private static void AssertNoAud(byte[] avcc)
    {
        foreach (var unit in Avcc.EnumerateNalUnits(avcc))
        {
            Assert.NotEqual(H264.NalAud, H264.NalType(unit[0]));
        }
    }

    private static void AssertMonotonic(IEnumerable<long> values)
    {
        long last = long.MinValue;
        foreach (long value in values)
        {
            Assert.True(value >= last, $"{value} after {last}");
            last = value;
        }
    }
}
