using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.MpegTs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Sdk.Tests.MpegPs;

/// <summary>
/// ffmpeg's H.264 + AAC (the TS test asset's frames), re-muxed the way GB28181 devices mux PS, come out of the PS
/// ingest as the same tracks and packets the TS ingest makes of the original; G.711 audio too.
/// </summary>
public sealed class PsIngestTests
{
    [Theory]
    [InlineData(1400)]
    [InlineData(97)]
    public void Gb_style_ps_of_real_h264_and_aac_gives_what_the_ts_ingest_gives(int chunk)
    {
        var frames = new PesCollector();
        using (var demuxer = new TsDemuxer(frames))
        {
            demuxer.Feed(TsSamples.H264Aac);
            demuxer.Flush();
        }

        // Each video frame in a pack of its own (with system header and map on key frames only), PES of at most
        // 60 KiB; each audio PES in the pack of the video frame before it.
        var ps = new List<byte>();
        bool first = true;
        foreach (var (type, payload, pts, dts) in frames.Pes)
        {
            if (type == TsStreamType.H264)
            {
                ps.AddRange(PsBuilder.Pack(dts ?? pts ?? 0, stuffing: [0xAB]));
                if (first)
                {
                    ps.AddRange(PsBuilder.SystemHeader());
                    ps.AddRange(PsBuilder.StreamMap((PsStreamType.H264, 0xE0), (PsStreamType.AacAdts, 0xC0)));
                    first = false;
                }

                for (int offset = 0; offset < payload.Length; offset += 60_000)
                {
                    var part = payload.AsSpan(offset, Math.Min(60_000, payload.Length - offset));
                    ps.AddRange(offset == 0 ? PsBuilder.Pes(0xE0, pts, dts, part) : PsBuilder.Pes(0xE0, null, null, part));
                }
            }
            else if (!first)
            {
                ps.AddRange(PsBuilder.Pes(0xC0, pts, null, payload));
            }
        }

        var reference = new RecordingPublisher();
        TsSamples.Ingest(TsSamples.H264Aac, reference, 1316);
        var publisher = new RecordingPublisher();
        using var ingest = new PsIngest(publisher, NullLogger.Instance);
        var bytes = ps.ToArray();
        for (int offset = 0; offset < bytes.Length; offset += chunk)
        {
            ingest.Feed(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
        }

        ingest.Flush();

        Assert.Equal(0, ingest.Demuxer.Errors);
        Assert.Equal(0, ingest.Streams.DroppedFrames);
        Assert.Equal(reference.Tracks.Select(t => (t.Codec, t.Width, t.Height, t.SampleRate)).Order(), publisher.Tracks.Select(t => (t.Codec, t.Width, t.Height, t.SampleRate)).Order());
        foreach (var kind in new[] { MediaType.Video, MediaType.Audio })
        {
            var expected = reference.PacketsOf(reference.Tracks.Single(t => t.MediaType == kind).Index);
            var actual = publisher.PacketsOf(publisher.Tracks.Single(t => t.MediaType == kind).Index);
            if (kind == MediaType.Video)
            {
                Assert.Equal(expected.Count, actual.Count);
            }
            else
            {
                // Audio PES muxed before the first video pack are left out of this PS: the rest must match, in order.
                Assert.True(actual.Count > expected.Count / 2 && actual.Count <= expected.Count, $"{actual.Count} audio packets of {expected.Count}");
                expected = expected.Skip(expected.Count - actual.Count).ToList();
            }

            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Data, actual[i].Data);
                Assert.Equal((expected[i].Dts, expected[i].Pts, expected[i].IsKeyFrame), (actual[i].Dts, actual[i].Pts, actual[i].IsKeyFrame));
            }
        }
    }

    [Fact]
    public void G711_audio_becomes_a_pcma_track_even_without_video()
    {
        var publisher = new RecordingPublisher();
        using var ingest = new PsIngest(publisher, NullLogger.Instance, probeWindowMs: 100);
        for (int i = 0; i < 10; i++)
        {
            ingest.Feed([.. PsBuilder.Pack(i * 3600), .. PsBuilder.Pes(0xC0, i * 3600L, null, Enumerable.Repeat((byte)0xD5, 320).ToArray())]);
        }

        var track = Assert.Single(publisher.Tracks);
        Assert.Equal((CodecId.G711A, 8000, 1), (track.Codec, track.SampleRate, track.Channels));
        Assert.Equal(10, publisher.PacketsOf(track.Index).Count);
        Assert.Equal([0L, 40, 80], publisher.PacketsOf(track.Index).Take(3).Select(p => p.Dts));
    }

    [Fact]
    public void Aac_config_repeated_in_every_adts_frame_updates_the_track_only_when_it_changes()
    {
        var publisher = new RecordingPublisher();
        using var ingest = new PsIngest(publisher, NullLogger.Instance, probeWindowMs: 100);
        for (int i = 0; i < 12; i++)
        {
            // Frames 0-5: AAC-LC 44.1 kHz stereo (index 4, config 2); then 48 kHz mono (index 3, config 1).
            byte[] frame = new byte[7 + 20];
            AdtsHeader.Write(frame, objectType: 2, sampleRateIndex: i < 6 ? 4 : 3, channelConfiguration: i < 6 ? 2 : 1, payloadLength: 20);
            ingest.Feed([.. PsBuilder.Pack(i * 1920), .. PsBuilder.Pes(0xC0, i * 1920L, null, frame)]);
        }

        var track = Assert.Single(publisher.Tracks); // as last updated
        Assert.Equal((CodecId.Aac, 48000, 1), (track.Codec, track.SampleRate, track.Channels));
        var update = Assert.Single(publisher.Updates);
        Assert.Equal((CodecId.Aac, 48000, 1), (update.Codec, update.SampleRate, update.Channels));
        Assert.Equal(AudioSpecificConfig.Create(2, 48000, 1), update.CodecConfig.ToArray());
        Assert.Equal(12, publisher.PacketsOf(track.Index).Count);
        Assert.Equal(0, ingest.Streams.DroppedFrames);
    }

    private sealed class PesCollector : ITsPesReceiver
    {
        public List<(byte Type, byte[] Payload, long? Pts, long? Dts)> Pes { get; } = [];

        public void OnProgramMap(ProgramMapTable map)
        {
        }

        public void OnPes(in TsPes pes) => Pes.Add((pes.Stream.StreamType, pes.Payload.ToArray(), pes.Header.Pts, pes.Header.Dts));
    }
}
