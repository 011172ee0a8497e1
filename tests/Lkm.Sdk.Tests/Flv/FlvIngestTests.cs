using System.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Tests.Amf;
using Lkm.Sdk.Tests.Codecs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.Support;
using Lkm.Testing;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Tests.Flv;

public class FlvIngestTests
{
    private static readonly byte[] Sps = Hex.Bytes(TestVectors.H264_640x360.Sps);
    private static readonly byte[] Pps = Hex.Bytes(TestVectors.H264_640x360.Pps);
    private static readonly byte[] AvcConfig = new AvcDecoderConfigurationRecord([Sps], [Pps]).ToArray();
    private static readonly byte[] Idr = [0x65, 0x88, 0x84, 0x21];
    private static readonly byte[] Slice = [0x41, 0x9A, 0x02];

    private readonly RecordingPublisher _publisher = new() { RetainPackets = true };
    private readonly ListLogger _logger = new();

    [Fact]
    public void H264_and_aac_become_tracks_and_packets()
    {
        var ingest = NewIngest();
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. AvcConfig]));
        Assert.False(ingest.TracksCompleted);
        ingest.OnAudio(0, Seq([0xAF, 0, 0x12, 0x10]));
        Assert.True(ingest.TracksCompleted);
        Assert.Equal(1, _publisher.TracksCompleteCalls);

        ingest.OnVideo(0, Seq([0x17, 1, 0, 0, 80, .. Nal.Avcc(Idr)]));
        ingest.OnAudio(10, Seq([0xAF, 1, 0x21, 0x10]));
        ingest.OnVideo(40, Seq([0x27, 1, 0xFF, 0xFF, 0xD8, .. Nal.Avcc(Slice)])); // CT -40

        Assert.Equal(2, _publisher.Tracks.Count);
        var video = _publisher.Tracks[0];
        Assert.Equal(CodecId.H264, video.Codec);
        Assert.Equal((640, 360), (video.Width, video.Height));
        Assert.Equal(AvcConfig, video.CodecConfig.ToArray());
        var audio = _publisher.Tracks[1];
        Assert.Equal((CodecId.Aac, 44100, 2), (audio.Codec, audio.SampleRate, audio.Channels));

        var packets = _publisher.RetainedPackets;
        Assert.Equal(3, packets.Count);
        Assert.Equal((0, 0L, 80L, true), (packets[0].TrackIndex, packets[0].Dts, packets[0].Pts, packets[0].IsKeyFrame));
        Assert.Equal(Nal.Avcc(Idr), packets[0].Data.ToArray());
        Assert.Equal((1, 10L, 10L, true), (packets[1].TrackIndex, packets[1].Dts, packets[1].Pts, packets[1].IsKeyFrame));
        Assert.Equal(new byte[] { 0x21, 0x10 }, packets[1].Data.ToArray());
        Assert.Equal((40L, 0L, false), (packets[2].Dts, packets[2].Pts, packets[2].IsKeyFrame));
        Assert.Equal(0, ingest.DroppedTags);
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Enhanced_rtmp_hevc_sequence_start_and_frames()
    {
        var v = TestVectors.H265_1920x1080;
        var config = HevcDecoderConfigurationRecord.Create([Hex.Bytes(v.Vps)], [Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray();
        byte[] hvc1 = "hvc1"u8.ToArray();
        var ingest = NewIngest();
        ingest.OnMetadata(new StreamMetadata([new("videocodecid", "hvc1")]));
        ingest.OnVideo(0, Seq([0x90, .. hvc1, .. config]));
        Assert.True(ingest.TracksCompleted); // metadata announced video only

        byte[] irap = [19 << 1, 1, 0xAF, 0x10];
        byte[] trail = [1 << 1, 1, 0xD0];
        ingest.OnVideo(0, Seq([0x91, .. hvc1, 0, 0, 40, .. Nal.Avcc(irap)])); // CodedFrames + CT
        ingest.OnVideo(33, Seq([0xA3, .. hvc1, .. Nal.Avcc(trail)])); // CodedFramesX
        ingest.OnVideo(66, Seq([0xA4, .. hvc1, 0x02, 0x00])); // Metadata packet: ignored
        ingest.OnVideo(66, Seq([0x92, .. hvc1])); // SequenceEnd: ignored

        var track = Assert.Single(_publisher.Tracks);
        Assert.Equal((CodecId.H265, 1920, 1080), (track.Codec, track.Width, track.Height));
        Assert.Equal(2, _publisher.RetainedPackets.Count);
        Assert.Equal((0L, 40L, true), (_publisher.RetainedPackets[0].Dts, _publisher.RetainedPackets[0].Pts, _publisher.RetainedPackets[0].IsKeyFrame));
        Assert.Equal((33L, 33L, false), (_publisher.RetainedPackets[1].Dts, _publisher.RetainedPackets[1].Pts, _publisher.RetainedPackets[1].IsKeyFrame));
        Assert.Equal(Nal.Avcc(trail), _publisher.RetainedPackets[1].Data.ToArray());
        Assert.Equal(0, ingest.DroppedTags);
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Legacy_codec_12_hevc()
    {
        var v = TestVectors.H265_1280x720;
        var config = HevcDecoderConfigurationRecord.Create([Hex.Bytes(v.Vps)], [Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray();
        var ingest = NewIngest();
        ingest.OnVideo(0, Seq([0x1C, 0, 0, 0, 0, .. config]));
        ingest.OnVideo(0, Seq([0x1C, 1, 0, 0, 0, .. Nal.Avcc([19 << 1, 1, 0xAF])]));
        var track = Assert.Single(_publisher.Tracks);
        Assert.Equal((CodecId.H265, 1280, 720), (track.Codec, track.Width, track.Height));
        Assert.Single(_publisher.RetainedPackets);
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Video_only_without_metadata_completes_after_the_probe_window()
    {
        var ingest = NewIngest(probeWindowMs: 1000);
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. AvcConfig]));
        for (uint t = 0; t < 1000; t += 40)
        {
            ingest.OnVideo(t, Seq([t == 0 ? (byte)0x17 : (byte)0x27, 1, 0, 0, 0, .. Nal.Avcc(t == 0 ? Idr : Slice)]));
            Assert.False(ingest.TracksCompleted);
        }

        ingest.OnVideo(1000, Seq([0x27, 1, 0, 0, 0, .. Nal.Avcc(Slice)]));
        Assert.True(ingest.TracksCompleted);
        Assert.Equal(25, _publisher.PacketsBeforeComplete); // earlier packets were still written
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Metadata_announcing_both_waits_for_late_audio()
    {
        var ingest = NewIngest(probeWindowMs: 5000);
        ingest.OnMetadata(new StreamMetadata([new("videocodecid", 7.0), new("audiocodecid", 10.0)]));
        Assert.Single(_publisher.MetadataUpdates);
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. AvcConfig]));
        ingest.OnVideo(0, Seq([0x17, 1, 0, 0, 0, .. Nal.Avcc(Idr)]));
        Assert.False(ingest.TracksCompleted);
        ingest.OnAudio(2000, Seq([0xAF, 0, 0x11, 0x90]));
        Assert.True(ingest.TracksCompleted);
        Assert.Equal(48000, _publisher.Tracks[1].SampleRate);
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Metadata_announcing_audio_only_completes_on_the_first_audio()
    {
        var ingest = NewIngest();
        ingest.OnMetadata(new StreamMetadata([new("audiocodecid", 7.0), new("hasVideo", false)]));
        ingest.OnAudio(0, Seq([0x72, 0xD5, 0xD5, 0xD5]));
        Assert.True(ingest.TracksCompleted);
        var track = Assert.Single(_publisher.Tracks);
        Assert.Equal((CodecId.G711A, 8000, 1, 8), (track.Codec, track.SampleRate, track.Channels, track.SampleSize));
        Assert.Equal(new byte[] { 0xD5, 0xD5, 0xD5 }, _publisher.RetainedPackets[0].Data.ToArray());
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void New_sequence_header_updates_the_track_only_when_it_differs()
    {
        var ingest = NewIngest();
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. AvcConfig]));
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. AvcConfig]));
        Assert.Empty(_publisher.Updates);

        var v = TestVectors.H264_1920x1080;
        var bigger = new AvcDecoderConfigurationRecord([Hex.Bytes(v.Sps)], [Hex.Bytes(v.Pps)]).ToArray();
        ingest.OnVideo(5000, Seq([0x17, 0, 0, 0, 0, .. bigger]));
        var update = Assert.Single(_publisher.Updates);
        Assert.Equal((0, 1920, 1080), (update.Index, update.Width, update.Height));
        Assert.Single(_publisher.Tracks);
    }

    [Fact]
    public void Two_byte_nal_lengths_are_converted_to_four()
    {
        var config = new AvcDecoderConfigurationRecord([Sps], [Pps], nalLengthSize: 2).ToArray();
        var ingest = NewIngest();
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. config]));
        ingest.OnVideo(0, Seq([0x17, 1, 0, 0, 0, .. Nal.Prefixed(2, Idr, Slice)]));
        Assert.Equal(4, AvcDecoderConfigurationRecord.Parse(_publisher.Tracks[0].CodecConfig.Span).NalLengthSize);
        Assert.Equal(Nal.Avcc(Idr, Slice), Assert.Single(_publisher.RetainedPackets).Data.ToArray());
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void In_band_parameter_sets_stand_in_for_a_missing_sequence_header()
    {
        var ingest = NewIngest();
        ingest.OnVideo(0, Seq([0x27, 1, 0, 0, 0, .. Nal.Avcc(Slice)])); // nothing to learn from: dropped
        ingest.OnVideo(40, Seq([0x17, 1, 0, 0, 0, .. Nal.Avcc(Sps, Pps, Idr)]));
        var track = Assert.Single(_publisher.Tracks);
        Assert.Equal((640, 360), (track.Width, track.Height));
        Assert.Single(_publisher.RetainedPackets);
        Assert.Equal(1, ingest.DroppedTags);
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Timestamps_unwrap_across_the_32_bit_boundary()
    {
        var ingest = NewIngest();
        ingest.OnAudio(0xFFFFFF00, Seq([0xAF, 0, 0x12, 0x10]));
        uint[] times = [0xFFFFFF00, 0xFFFFFFE0, 0x00000010, 0x00000005, 0x00000100];
        foreach (var time in times)
        {
            ingest.OnAudio(time, Seq([0xAF, 1, 0x21]));
        }

        long[] expected = [0xFFFFFF00, 0xFFFFFFE0, 0x100000010, 0x100000005, 0x100000100];
        Assert.Equal(expected, _publisher.RetainedPackets.Select(p => p.Dts));
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Mp3_rate_comes_from_the_frame_header_and_g711u_from_the_codec()
    {
        var ingest = NewIngest();
        ingest.OnAudio(0, Seq([0x2E, 0xFF, 0xFB, 0x94, 0xC4, 0, 0])); // flags say 44.1k stereo, frame says 48k mono
        Assert.Equal((CodecId.Mp3, 48000, 1), (_publisher.Tracks[0].Codec, _publisher.Tracks[0].SampleRate, _publisher.Tracks[0].Channels));
        ingest.OnAudio(26, Seq([0x2E, 0x00, 0x11])); // continuation without header: same track
        Assert.Empty(_publisher.Updates);
        Assert.Equal(2, _publisher.RetainedPackets.Count);
        _publisher.AssertWriterReleasedAndRelease();

        var other = new RecordingPublisher { RetainPackets = true };
        var g711 = new FlvIngest(other, _logger);
        g711.OnAudio(0, Seq([0x82, 0xFF, 0x7F]));
        Assert.Equal((CodecId.G711U, 8000, 1), (other.Tracks[0].Codec, other.Tracks[0].SampleRate, other.Tracks[0].Channels));
        other.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Adts_wrapped_aac_is_stripped_and_can_define_the_track()
    {
        var ingest = NewIngest();
        var adts = new byte[7];
        AdtsHeader.Write(adts, 2, 3, 2, 3); // LC 48 kHz stereo, 3 payload bytes
        ingest.OnAudio(0, Seq([0xAF, 1, .. adts, 1, 2, 3]));
        var track = Assert.Single(_publisher.Tracks);
        Assert.Equal((48000, 2), (track.SampleRate, track.Channels));
        Assert.Equal(new byte[] { 0x11, 0x90 }, track.CodecConfig.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.Single(_publisher.RetainedPackets).Data.ToArray());
        _publisher.AssertWriterReleasedAndRelease();
    }

    [Fact]
    public void Bad_and_unsupported_tags_are_dropped_counted_and_logged_once_per_kind()
    {
        var ingest = NewIngest();
        ingest.OnVideo(0, Seq([0x17, 1, 0, 0, 0, .. Nal.Avcc(Slice)])); // frame before config
        ingest.OnVideo(0, Seq([0x17, 1, 0, 0, 0, .. Nal.Avcc(Slice)])); // again: counted, not logged
        ingest.OnVideo(0, Seq([0x12, 0, 0])); // Sorenson H.263
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, 1, 2, 3])); // unreadable config
        ingest.OnVideo(0, Seq([0x17, 0, 0, 0, 0, .. AvcConfig]));
        ingest.OnVideo(0, Seq([0x17, 1, 0, 0, 0, 0, 0, 0, 9, 1])); // NAL length past the end
        ingest.OnVideo(0, Seq([0x90, (byte)'a', (byte)'b', (byte)'c', (byte)'d'])); // unknown FourCC
        ingest.OnVideo(0, Seq([0x17]));
        ingest.OnVideo(0, Seq([]));
        ingest.OnAudio(0, Seq([0xB2, 1, 2])); // Speex
        ingest.OnAudio(0, Seq([0xAF, 1, 1, 2])); // AAC before config
        ingest.OnAudio(0, Seq([0xAF, 0, 0x00])); // bad ASC
        ingest.OnVideo(0, Seq([0x57, 0])); // video info frame: not a drop

        Assert.Equal(11, ingest.DroppedTags);
        var warnings = _logger.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal(8, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("live/test", w.Message));
        Assert.Empty(_publisher.RetainedPackets);
    }

    [Fact]
    public void Multi_segment_bodies_are_handled()
    {
        var ingest = NewIngest();
        ingest.OnVideo(0, SegmentedSequence.OfFixedSize([0x17, 0, 0, 0, 0, .. AvcConfig], 2));
        ingest.OnVideo(0, SegmentedSequence.OfFixedSize([0x17, 1, 0, 0, 0, .. Nal.Avcc(Idr, Slice)], 3));
        ingest.OnAudio(0, SegmentedSequence.OfFixedSize([0xAF, 0, 0x12, 0x10], 1));
        ingest.OnAudio(0, SegmentedSequence.OfFixedSize([0xAF, 1, 5, 6, 7], 1));
        Assert.Equal(2, _publisher.Tracks.Count);
        Assert.Equal(Nal.Avcc(Idr, Slice), _publisher.RetainedPackets[0].Data.ToArray());
        Assert.Equal(new byte[] { 5, 6, 7 }, _publisher.RetainedPackets[1].Data.ToArray());
        _publisher.AssertWriterReleasedAndRelease();
    }

    private FlvIngest NewIngest(int probeWindowMs = 3000) => new(_publisher, _logger, probeWindowMs);

    private static ReadOnlySequence<byte> Seq(byte[] bytes) => new(bytes);
}
