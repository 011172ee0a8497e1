using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.MpegPs;

/// <summary>
/// The program stream demuxer on streams shaped like GB28181 devices' (PROTOCOLS.md): private data as pack stuffing,
/// a map with descriptors and a byte-swapped CRC on key frames only, parameter sets in their own PES, a large IDR over
/// several PES, audio not in the map, MPEG-1 pack headers; fed in chunks of every size.
/// </summary>
public sealed class PsDemuxerTests
{
    private static readonly byte[] Sps = [0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1F, 0xAB];
    private static readonly byte[] Pps = [0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1400)]
    [InlineData(1 << 20)]
    public void A_key_frame_pack_and_a_p_frame_pack_become_whole_frames(int chunk)
    {
        var idr = PsBuilder.Nal(0x65, 150_000);
        var p = PsBuilder.Nal(0x41, 3_000);
        byte[] g711 = [.. Enumerable.Repeat((byte)0xD5, 320)];
        var stream = Concat(
            PsBuilder.Pack(0, stuffing: [0x12, 0x34, 0x56]),
            PsBuilder.SystemHeader(),
            PsBuilder.StreamMap((0x1B, 0xE0), (0x90, 0xC0)),
            PsBuilder.Pes(0xE0, 3600, 3600, Sps),
            PsBuilder.Pes(0xE0, 3600, 3600, Pps),
            PsBuilder.Pes(0xE0, 3600, 3600, idr.AsSpan(0, 65_000)),
            PsBuilder.Pes(0xE0, null, null, idr.AsSpan(65_000, 65_000)),
            PsBuilder.Pes(0xE0, null, null, idr.AsSpan(130_000)),
            PsBuilder.Pes(0xC0, 3600, null, g711),
            PsBuilder.Pack(3600),
            PsBuilder.Pes(0xE0, 7200, 7200, p));

        var frames = Demux(stream, chunk, flush: true);

        // Audio goes on at once; a video frame when the next one starts (its end is not marked in the stream).
        var video = frames.Where(f => f.StreamId == 0xE0).ToList();
        var audio = Assert.Single(frames, f => f.StreamId == 0xC0);
        Assert.Equal(2, video.Count);
        Assert.Equal((PsStreamType.H264, 3600L), (video[0].StreamType, video[0].Pts!.Value));
        Assert.Equal([.. Sps, .. Pps, .. idr], video[0].Data);
        Assert.Equal(PsStreamType.G711A, audio.StreamType);
        Assert.Equal(g711, audio.Data);
        Assert.Equal((PsStreamType.H264, 7200L), (video[1].StreamType, video[1].Pts!.Value)); // the P-frame pack has no map: remembered
        Assert.Equal(p, video[1].Data);
    }

    [Fact]
    public void Streams_the_map_does_not_list_are_guessed_and_an_mpeg1_pack_header_is_read()
    {
        byte[] adts = [0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC, 0x21, 0x00];
        byte[] vps = [0, 0, 0, 1, 0x40, 0x01, 0x0C, 0x01];
        var stream = Concat(
            PsBuilder.Mpeg1Pack(),
            PsBuilder.Pes(0xE0, 100, null, vps),
            PsBuilder.Pes(0xC0, 100, null, adts),
            PsBuilder.Pes(0xC1, 100, null, [0x55, 0x55]));

        var frames = Demux(stream, 5, flush: true);

        Assert.Equal(
            [(0xC0, PsStreamType.AacAdts), (0xC1, PsStreamType.G711A), (0xE0, PsStreamType.H265)],
            frames.Select(f => ((int)f.StreamId, f.StreamType)).OrderBy(f => f.Item1));
    }

    [Fact]
    public void Lost_input_drops_the_frame_it_cut_and_reading_starts_again_at_the_next_pack()
    {
        var frames = new Collector();
        using var demuxer = new PsDemuxer(frames);
        demuxer.Feed(Concat(PsBuilder.Pack(0), PsBuilder.StreamMap((0x1B, 0xE0)), PsBuilder.Pes(0xE0, 3600, null, PsBuilder.Nal(0x65, 1000))));
        var cut = PsBuilder.Pes(0xE0, null, null, PsBuilder.Nal(0x65, 2000));
        demuxer.Feed(cut.AsSpan(0, 500));

        demuxer.MarkLoss();
        demuxer.Feed(cut.AsSpan(900)); // the rest of the cut PES, then garbage-looking bytes: skipped until a pack
        demuxer.Feed(Concat(PsBuilder.Pack(7200), PsBuilder.Pes(0xE0, 7200, null, PsBuilder.Nal(0x41, 100))));
        demuxer.Flush();

        var frame = Assert.Single(frames.Frames);
        Assert.Equal(7200, frame.Pts);
        Assert.Equal(1, demuxer.DroppedFrames);
    }

    [Fact]
    public void A_frame_that_never_ends_is_dropped_within_the_bound_and_the_next_one_comes_through()
    {
        var frames = new Collector();
        using var demuxer = new PsDemuxer(frames, maxFrameSize: 256 * 1024);
        demuxer.Feed(Concat(PsBuilder.Pack(0), PsBuilder.StreamMap((0x1B, 0xE0)), PsBuilder.Pes(0xE0, 3600, null, PsBuilder.Nal(0x65, 1000))));
        var more = PsBuilder.Pes(0xE0, null, null, new byte[60_000]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            demuxer.Feed(more); // 1.2 MB of one "frame"
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 600 * 1024, "the demuxer kept more than its bound");
        demuxer.Feed(Concat(PsBuilder.Pack(7200), PsBuilder.Pes(0xE0, 7200, null, PsBuilder.Nal(0x41, 100))));
        demuxer.Flush();

        Assert.Equal(1, demuxer.DroppedFrames);
        Assert.Equal(7200, Assert.Single(frames.Frames).Pts);
    }

    [Fact]
    public void Garbage_between_units_is_skipped_by_resync_and_bad_pes_headers_are_counted()
    {
        var stream = Concat(
            [0x12, 0x00, 0x00, 0x00, 0x07],
            PsBuilder.Pack(0),
            PsBuilder.StreamMap((0x1B, 0xE0)),
            PsBuilder.Unit(0xE0, [0x00, 0x00, 0x00]), // no PES marker bits
            [0x00, 0x00, 0x01, 0x42, 0x99], // a video NAL start code out of place
            PsBuilder.Pes(0xE0, 3600, null, PsBuilder.Nal(0x65, 10)));

        var frames = new Collector();
        using var demuxer = new PsDemuxer(frames);
        demuxer.Feed(stream);
        demuxer.Flush();

        Assert.Single(frames.Frames);
        Assert.Equal(1, demuxer.Errors);
        Assert.True(demuxer.Resyncs >= 2);
    }

    [Fact]
    public void Random_and_mutated_streams_never_throw_and_stay_bounded()
    {
        var mutator = new Mutator(28181);
        var valid = Concat(
            PsBuilder.Pack(0, [1, 2]), PsBuilder.SystemHeader(), PsBuilder.StreamMap((0x1B, 0xE0), (0x0F, 0xC0)),
            PsBuilder.Pes(0xE0, 3600, 3600, [.. Sps, .. Pps]), PsBuilder.Pes(0xE0, 3600, 3600, PsBuilder.Nal(0x65, 5000)),
            PsBuilder.Pes(0xC0, 3600, null, [0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC, 0x21]));
        for (int i = 0; i < 2000; i++)
        {
            var input = i % 4 == 0 ? mutator.RandomBytes(4096) : mutator.Mutate(valid);
            var frames = new Collector();
            using var demuxer = new PsDemuxer(frames, maxFrameSize: 64 * 1024);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int offset = 0; offset < input.Length; offset += 333)
            {
                demuxer.Feed(input.AsSpan(offset, Math.Min(333, input.Length - offset)));
            }

            demuxer.Flush();
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024 + (frames.Bytes * 2), $"input {i} allocated without bound");
            Assert.All(frames.Frames, f => Assert.True(f.Data.Length <= 64 * 1024));
        }
    }

    private static List<Captured> Demux(byte[] stream, int chunk, bool flush)
    {
        var frames = new Collector();
        using var demuxer = new PsDemuxer(frames);
        for (int offset = 0; offset < stream.Length; offset += chunk)
        {
            demuxer.Feed(stream.AsSpan(offset, Math.Min(chunk, stream.Length - offset)));
        }

        if (flush)
        {
            demuxer.Flush();
        }

        Assert.Equal(0, demuxer.Errors);
        return frames.Frames;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private sealed record Captured(byte StreamId, byte StreamType, long? Pts, byte[] Data);

    private sealed class Collector : IPsFrameReceiver
    {
        public List<Captured> Frames { get; } = [];

        public long Bytes => Frames.Sum(f => (long)f.Data.Length);

        public void OnFrame(in PsFrame frame) => Frames.Add(new Captured(frame.StreamId, frame.StreamType, frame.Pts, frame.Data.ToArray()));
    }
}
