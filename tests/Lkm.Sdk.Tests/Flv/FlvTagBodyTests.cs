using Lkm.Sdk.Amf;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Codecs;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Tests.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Flv;

public class FlvTagBodyTests
{
    private static readonly byte[] AvcConfig = new AvcDecoderConfigurationRecord(
        [Hex.Bytes(TestVectors.H264_1280x720.Sps)], [Hex.Bytes(TestVectors.H264_1280x720.Pps)]).ToArray();

    private static readonly byte[] HevcConfig = HevcDecoderConfigurationRecord.Create(
        [Hex.Bytes(TestVectors.H265_1920x1080.Vps)], [Hex.Bytes(TestVectors.H265_1920x1080.Sps)], [Hex.Bytes(TestVectors.H265_1920x1080.Pps)]).ToArray();

    private static readonly MediaTrack H264 = new() { Codec = CodecId.H264, Width = 1280, Height = 720, CodecConfig = AvcConfig };
    private static readonly MediaTrack H265 = new() { Codec = CodecId.H265, Width = 1920, Height = 1080, CodecConfig = HevcConfig };
    private static readonly MediaTrack Aac = new() { Codec = CodecId.Aac, SampleRate = 48000, Channels = 1, CodecConfig = new byte[] { 0x11, 0x88 } };

    [Fact]
    public void Sequence_headers_per_codec()
    {
        Assert.Equal([0x17, 0, 0, 0, 0, .. AvcConfig], FlvTagBody.SequenceHeader(H264));
        Assert.Equal([0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1', .. HevcConfig], FlvTagBody.SequenceHeader(H265));
        Assert.Equal(new byte[] { 0xAF, 0, 0x11, 0x88 }, FlvTagBody.SequenceHeader(Aac));
        Assert.Empty(FlvTagBody.SequenceHeader(G711.Track(CodecId.G711A)));
        Assert.Empty(FlvTagBody.SequenceHeader(new MediaTrack { Codec = CodecId.Mp3, SampleRate = 44100, Channels = 2 }));
        Assert.Empty(FlvTagBody.SequenceHeader(new MediaTrack { Codec = CodecId.H264 }));
    }

    [Fact]
    public void H264_frame_body_has_frame_type_and_signed_composition_time()
    {
        using var payload = new Payload([0, 0, 0, 2, 0x65, 0x88]);
        var key = new MediaPacket(0, 1000, 1000 - 40, isKeyFrame: true, payload.Buffer);
        var body = new byte[FlvTagBody.MediaBodyLength(H264, key)];
        Assert.Equal(body.Length, FlvTagBody.WriteMediaBody(body, H264, key));
        Assert.Equal(new byte[] { 0x17, 1, 0xFF, 0xFF, 0xD8, 0, 0, 0, 2, 0x65, 0x88 }, body);

        var inter = new MediaPacket(0, 1000, 1080, isKeyFrame: false, payload.Buffer);
        FlvTagBody.WriteMediaBody(body, H264, inter);
        Assert.Equal(new byte[] { 0x27, 1, 0, 0, 80 }, body[..5]);
    }

    [Fact]
    public void H265_frames_use_coded_frames_with_ct_or_coded_frames_x()
    {
        using var payload = new Payload([0, 0, 0, 1, 0x26]);
        var withCt = new MediaPacket(0, 0, 40, isKeyFrame: true, payload.Buffer);
        var body = new byte[FlvTagBody.MediaBodyLength(H265, withCt)];
        FlvTagBody.WriteMediaBody(body, H265, withCt);
        Assert.Equal(new byte[] { 0x91, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 0, 0, 40, 0, 0, 0, 1, 0x26 }, body);

        var noCt = new MediaPacket(0, 0, 0, isKeyFrame: false, payload.Buffer);
        body = new byte[FlvTagBody.MediaBodyLength(H265, noCt)];
        FlvTagBody.WriteMediaBody(body, H265, noCt);
        Assert.Equal(new byte[] { 0xA3, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 0, 0, 0, 1, 0x26 }, body);
    }

    [Theory]
    [InlineData(CodecId.Aac, 48000, 1, 0xAF)]
    [InlineData(CodecId.G711A, 8000, 1, 0x72)]
    [InlineData(CodecId.G711U, 8000, 1, 0x82)]
    [InlineData(CodecId.Mp3, 44100, 2, 0x2F)]
    [InlineData(CodecId.Mp3, 22050, 1, 0x2A)]
    [InlineData(CodecId.Mp3, 8000, 1, 0xE2)]
    public void Audio_flags(CodecId codec, int rate, int channels, int expected)
    {
        var track = new MediaTrack { Codec = codec, SampleRate = rate, Channels = channels };
        Assert.Equal((byte)expected, FlvTagBody.AudioFlags(track));
    }

    [Fact]
    public void Opus_cannot_be_carried()
    {
        var opus = new MediaTrack { Codec = CodecId.Opus, SampleRate = 48000, Channels = 2 };
        Assert.False(FlvTagBody.CanCarry(CodecId.Opus));
        using var payload = new Payload([1]);
        Assert.Throws<NotSupportedException>(() => FlvTagBody.MediaBodyLength(opus, new MediaPacket(0, 0, 0, true, payload.Buffer)));
    }

    [Fact]
    public void Metadata_keeps_publisher_properties_and_adds_what_is_missing()
    {
        var publisher = new StreamMetadata(
        [
            new("@setDataFrame", "onMetaData"),
            new("duration", 12.5),
            new("width", 1280.0),
            new("encoder", "Lavf59.27.100"),
            new("videodatarate", 2500.0),
        ]);
        var body = FlvTagBody.Metadata([H264, Aac], publisher);
        var values = Amf0.DecodeAll(body);
        Assert.Equal("onMetaData", values[0]);
        var array = Assert.IsType<Amf0Object>(values[1]);
        Assert.True(array.IsEcmaArray);
        Assert.Equal(["duration", "width", "encoder", "videodatarate"], array.Take(4).Select(p => p.Key));
        Assert.False(array.TryGet("@setDataFrame", out _));
        Assert.Equal(0.0, array["duration"]);
        Assert.Equal("Lavf59.27.100", array["encoder"]);
        Assert.Equal(720.0, array["height"]);
        Assert.Equal(7.0, array["videocodecid"]);
        Assert.Equal(25.0, array["framerate"]);
        Assert.Equal(10.0, array["audiocodecid"]);
        Assert.Equal(48000.0, array["audiosamplerate"]);
        Assert.Equal(16.0, array["audiosamplesize"]);
        Assert.Equal(false, array["stereo"]);
    }

    [Fact]
    public void Metadata_for_hevc_and_g711_uses_fourcc_and_8_bit_samples()
    {
        var array = Assert.IsType<Amf0Object>(Amf0.DecodeAll(FlvTagBody.Metadata([H265, G711.Track(CodecId.G711U)], StreamMetadata.Empty))[1]);
        Assert.Equal((double)FlvFourCc.Hvc1, array["videocodecid"]);
        Assert.Equal(1920.0, array["width"]);
        Assert.Equal(30.0, array["framerate"]);
        Assert.Equal(8.0, array["audiocodecid"]);
        Assert.Equal(8000.0, array["audiosamplerate"]);
        Assert.Equal(8.0, array["audiosamplesize"]);
    }

    [Fact]
    public void End_of_sequence_bodies()
    {
        Assert.Equal(new byte[] { 0x17, 2, 0, 0, 0 }, FlvTagBody.EndOfSequence(H264));
        Assert.Equal(new byte[] { 0x92, (byte)'h', (byte)'v', (byte)'c', (byte)'1' }, FlvTagBody.EndOfSequence(H265));
        Assert.Empty(FlvTagBody.EndOfSequence(Aac));
    }

    private sealed class Payload(byte[] bytes) : IDisposable
    {
        public PooledBuffer Buffer { get; } = PooledBuffer.CopyOf(bytes);

        public void Dispose() => Buffer.Release();
    }
}
