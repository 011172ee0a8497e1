using Lkm.Sdk.Amf;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Tests.Flv;

public class FlvCodecHeadersTests
{
    // Shortened decoder records: FlvCodecHeaders copies them into bodies and compares them, nothing more.
    private static readonly byte[] AvcConfig = [0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1];
    private static readonly byte[] OtherAvcConfig = [0x01, 0x4D, 0x00, 0x28, 0xFF, 0xE1];

    private static MediaTrack H264(int index, byte[]? config = null) =>
        new() { Codec = CodecId.H264, Index = index, Width = 1280, Height = 720, CodecConfig = config ?? AvcConfig };

    private static MediaTrack Aac(int index) =>
        new() { Codec = CodecId.Aac, Index = index, SampleRate = 48000, Channels = 2, CodecConfig = new byte[] { 0x11, 0x90 } };

    private static MediaTrack Opus(int index) => new() { Codec = CodecId.Opus, Index = index, SampleRate = 48000, Channels = 2 };

    [Fact]
    public void Bodies_are_the_metadata_and_each_tracks_sequence_header_in_track_order()
    {
        var video = H264(0);
        var audio = Aac(1);
        var headers = new FlvCodecHeaders([video, audio], StreamMetadata.Empty);

        Assert.Equal(FlvTagBody.Metadata([video, audio], StreamMetadata.Empty), headers.Metadata.ToArray());
        Assert.Collection(
            headers.SequenceHeaders,
            h =>
            {
                Assert.Same(video, h.Track);
                Assert.Equal(FlvTagType.Video, h.TagType);
                Assert.Equal(FlvTagBody.SequenceHeader(video), h.Body.ToArray());
            },
            h =>
            {
                Assert.Same(audio, h.Track);
                Assert.Equal(FlvTagType.Audio, h.TagType);
                Assert.Equal(FlvTagBody.SequenceHeader(audio), h.Body.ToArray());
            });
        Assert.True(headers.HasVideo);
        Assert.True(headers.HasAudio);
    }

    [Fact]
    public void Metadata_keeps_the_publishers_properties()
    {
        var metadata = new StreamMetadata([new("encoder", "obs"), new("duration", 12.0)]);
        var headers = new FlvCodecHeaders([H264(0)], metadata);

        var values = Amf0.DecodeAll(headers.Metadata.Span);
        Assert.Equal("onMetaData", values[0]);
        var properties = Assert.IsType<Amf0Object>(values[1]);
        Assert.Equal("obs", properties["encoder"]);
        Assert.Equal(0.0, properties["duration"]); // live
    }

    [Fact]
    public void Tracks_without_a_sequence_header_are_carried_but_have_no_body()
    {
        var g711 = G711.Track(CodecId.G711A) with { Index = 1 };
        var noConfigYet = H264(0, config: []);
        var headers = new FlvCodecHeaders([noConfigYet, g711], StreamMetadata.Empty);

        Assert.Equal([noConfigYet, g711], headers.Tracks);
        Assert.Empty(headers.SequenceHeaders);
        Assert.Same(g711, headers.TrackOf(1));
    }

    [Fact]
    public void Tracks_flv_cannot_carry_are_left_out_and_their_index_finds_nothing()
    {
        var audio = Opus(0);
        var video = H264(1);
        var headers = new FlvCodecHeaders([audio, video], StreamMetadata.Empty);

        Assert.Equal([video], headers.Tracks);
        Assert.Null(headers.TrackOf(0));
        Assert.Same(video, headers.TrackOf(1));
        Assert.True(headers.HasVideo);
        Assert.False(headers.HasAudio);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public void Unknown_track_indexes_find_nothing(int index)
    {
        var headers = new FlvCodecHeaders([H264(0), Aac(1)], StreamMetadata.Empty);

        Assert.Null(headers.TrackOf(index));
    }

    [Fact]
    public void No_tracks_give_metadata_only()
    {
        var headers = new FlvCodecHeaders([], StreamMetadata.Empty);

        Assert.Empty(headers.Tracks);
        Assert.Empty(headers.SequenceHeaders);
        Assert.False(headers.HasVideo);
        Assert.False(headers.HasAudio);
        Assert.Null(headers.TrackOf(0));
        Assert.Equal("onMetaData", Amf0.DecodeAll(headers.Metadata.Span)[0]);
    }

    [Fact]
    public void Nothing_changed_when_codecs_and_configs_are_the_same()
    {
        var before = new FlvCodecHeaders([H264(0), Aac(1)], StreamMetadata.Empty);

        // New track objects with equal content, and new metadata: players need nothing in-band.
        var after = new FlvCodecHeaders([H264(0, [.. AvcConfig]), Aac(1)], new StreamMetadata([new("encoder", "obs")]));

        Assert.Empty(after.ChangedSince(before));
    }

    [Fact]
    public void A_new_codec_configuration_is_a_change_of_that_track_only()
    {
        var before = new FlvCodecHeaders([H264(0), Aac(1)], StreamMetadata.Empty);
        var after = new FlvCodecHeaders([H264(0, OtherAvcConfig), Aac(1)], StreamMetadata.Empty);

        var changed = Assert.Single(after.ChangedSince(before));
        Assert.Equal(0, changed.Track.Index);
        Assert.Equal(FlvTagBody.SequenceHeader(after.Tracks[0]), changed.Body.ToArray());
    }

    [Fact]
    public void A_new_codec_at_an_index_is_a_change()
    {
        var before = new FlvCodecHeaders([H264(0)], StreamMetadata.Empty);
        var hevc = new MediaTrack { Codec = CodecId.H265, Index = 0, CodecConfig = AvcConfig };
        var after = new FlvCodecHeaders([hevc], StreamMetadata.Empty);

        Assert.Same(hevc, Assert.Single(after.ChangedSince(before)).Track);
    }

    [Fact]
    public void A_track_that_appears_is_a_change()
    {
        var before = new FlvCodecHeaders([H264(0)], StreamMetadata.Empty);
        var after = new FlvCodecHeaders([H264(0), Aac(1)], StreamMetadata.Empty);

        var changed = Assert.Single(after.ChangedSince(before));
        Assert.Equal(FlvTagType.Audio, changed.TagType);
    }

    [Fact]
    public void A_track_left_out_before_is_a_change_once_flv_carries_it()
    {
        // Opus at index 0 was never described to players; AAC at that index is new to them.
        var before = new FlvCodecHeaders([Opus(0), H264(1)], StreamMetadata.Empty);
        var after = new FlvCodecHeaders([Aac(0), H264(1)], StreamMetadata.Empty);

        Assert.Equal(CodecId.Aac, Assert.Single(after.ChangedSince(before)).Track.Codec);
    }

    [Fact]
    public void A_track_that_goes_away_or_has_no_header_needs_nothing_in_band()
    {
        var before = new FlvCodecHeaders([H264(0), Aac(1)], StreamMetadata.Empty);

        Assert.Empty(new FlvCodecHeaders([H264(0)], StreamMetadata.Empty).ChangedSince(before));
        Assert.Empty(new FlvCodecHeaders([H264(0), G711.Track(CodecId.G711U) with { Index = 1 }], StreamMetadata.Empty).ChangedSince(before));
    }
}
