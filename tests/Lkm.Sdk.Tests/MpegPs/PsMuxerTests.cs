using System.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.MpegTs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Sdk.Tests.MpegPs;

/// <summary>The program stream muxer (the simulator's and cascade's) read back by the demuxer and the ingest: nothing lost or changed.</summary>
public sealed class PsMuxerTests
{
    [Fact]
    public void Real_h264_and_aac_muxed_gb_style_ingest_to_what_the_ts_ingest_makes()
    {
        var pes = new List<(byte Type, byte[] Payload, long? Pts, long? Dts)>();
        using (var demuxer = new TsDemuxer(new Collect(pes)))
        {
            demuxer.Feed(TsSamples.H264Aac);
            demuxer.Flush();
        }

        var muxer = new PsMuxer(PsStreamType.H264, PsStreamType.AacAdts);
        var ps = new ArrayBufferWriter<byte>();
        bool started = false;
        foreach (var (type, payload, pts, dts) in pes)
        {
            if (type == TsStreamType.H264)
            {
                bool key = HasIdr(payload);
                started |= key;
                if (started)
                {
                    muxer.WriteVideo(ps, payload, pts!.Value, dts ?? pts.Value, key);
                }
            }
            else if (started)
            {
                muxer.WriteAudio(ps, payload, pts!.Value);
            }
        }

        var reference = new RecordingPublisher();
        TsSamples.Ingest(TsSamples.H264Aac, reference, 1316);
        var publisher = new RecordingPublisher();
        using var ingest = new PsIngest(publisher, NullLogger.Instance);
        ingest.Feed(ps.WrittenSpan);
        ingest.Flush();

        Assert.Equal(0, ingest.Demuxer.Errors);
        Assert.Equal(0, ingest.Streams.DroppedFrames);
        Assert.Equal(PsStreamType.H264, ingest.Demuxer.StreamTypeOf(0xE0));
        Assert.Equal(PsStreamType.AacAdts, ingest.Demuxer.StreamTypeOf(0xC0));
        var expected = reference.PacketsOf(reference.Tracks.Single(t => t.MediaType == MediaType.Video).Index);
        var actual = publisher.PacketsOf(publisher.Tracks.Single(t => t.MediaType == MediaType.Video).Index);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, actual[i].Data);
            Assert.Equal((expected[i].Dts, expected[i].Pts, expected[i].IsKeyFrame), (actual[i].Dts, actual[i].Pts, actual[i].IsKeyFrame));
        }

        Assert.NotEmpty(publisher.PacketsOf(publisher.Tracks.Single(t => t.MediaType == MediaType.Audio).Index));
    }

    [Fact]
    public void A_key_frame_longer_than_a_pes_is_split_and_joined_back_with_its_parameter_sets_in_a_pes_of_their_own()
    {
        byte[] sps = [0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1F];
        byte[] pps = [0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80];
        var idr = PsBuilder.Nal(0x65, 200_000, seed: 5);
        var muxer = new PsMuxer(PsStreamType.H264, 0);
        var ps = new ArrayBufferWriter<byte>();
        muxer.WriteVideo(ps, [.. sps, .. pps, .. idr], 3600, 3600, keyFrame: true);

        var pesCount = CountStartCodes(ps.WrittenSpan, 0xE0);
        var frames = new List<byte[]>();
        using var demuxer = new PsDemuxer(new Frames(frames));
        demuxer.Feed(ps.WrittenSpan);
        demuxer.Flush();

        Assert.Equal(1 + 4, pesCount); // the parameter sets' PES, then 200 000 bytes in PES of at most 65 522
        var written = ps.WrittenSpan.ToArray();
        int map = written.AsSpan().IndexOf((ReadOnlySpan<byte>)[0, 0, 1, 0xBC]);
        var psm = written.AsSpan(map, 6 + ((written[map + 4] << 8) | written[map + 5]));
        Assert.Equal(MpegCrc32.Compute(psm[..^4]), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(psm[^4..])); // a real CRC, unlike devices
        Assert.Equal([.. sps, .. pps, .. idr], Assert.Single(frames));
        Assert.Equal(0, demuxer.Errors);
    }

    private static bool HasIdr(byte[] annexB)
    {
        foreach (var unit in AnnexB.EnumerateNalUnits(annexB))
        {
            if (H264.NalType(unit[0]) == H264.NalIdr)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountStartCodes(ReadOnlySpan<byte> data, byte code)
    {
        int count = 0;
        for (int i = 0; i + 3 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && data[i + 3] == code)
            {
                count++;
            }
        }

        return count;
    }

    private sealed class Collect(List<(byte, byte[], long?, long?)> pes) : ITsPesReceiver
    {
        public void OnProgramMap(ProgramMapTable map)
        {
        }

        public void OnPes(in TsPes p) => pes.Add((p.Stream.StreamType, p.Payload.ToArray(), p.Header.Pts, p.Header.Dts));
    }

    private sealed class Frames(List<byte[]> frames) : IPsFrameReceiver
    {
        public void OnFrame(in PsFrame frame) => frames.Add(frame.Data.ToArray());
    }
}
