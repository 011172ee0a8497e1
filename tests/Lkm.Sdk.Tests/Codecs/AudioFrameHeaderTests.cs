using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class AudioFrameHeaderTests
{
    [Theory]
    [InlineData("fffb9064", 1, 3, 44100, 2, 128000, 417)] // MPEG-1 layer III 128 kbit/s 44.1 kHz joint stereo
    [InlineData("fffb94c4", 1, 3, 48000, 1, 128000, 384)] // 48 kHz mono
    [InlineData("fff38064", 2, 3, 22050, 2, 64000, 208)] // MPEG-2 22.05 kHz
    public void Mpeg_audio_headers_parse(string hex, int version, int layer, int rate, int channels, int bitrate, int frameLength)
    {
        Assert.True(MpegAudioHeader.TryParse(Hex.Bytes(hex), out var header));
        Assert.Equal(version, header.Version);
        Assert.Equal(layer, header.Layer);
        Assert.Equal(rate, header.SampleRate);
        Assert.Equal(channels, header.Channels);
        Assert.Equal(bitrate, header.Bitrate);
        Assert.Equal(frameLength, header.FrameLength);
    }

    [Theory]
    [InlineData("fffb")]
    [InlineData("7ffb9064")]
    [InlineData("fffbf064")] // bad bitrate index
    [InlineData("fffb9c64")] // reserved sample rate
    [InlineData("fff99064")] // reserved layer
    public void Not_mpeg_audio_headers(string hex) => Assert.False(MpegAudioHeader.TryParse(Hex.Bytes(hex), out _));

    [Fact]
    public void G711_is_8khz_mono_one_byte_per_sample()
    {
        var track = G711.Track(CodecId.G711A);
        Assert.Equal(8000, track.SampleRate);
        Assert.Equal(1, track.Channels);
        Assert.Equal(8, track.SampleSize);
        Assert.True(track.CodecConfig.IsEmpty);
        Assert.Equal(20, G711.DurationMs(160));
        Assert.Throws<ArgumentOutOfRangeException>(() => G711.Track(CodecId.Aac));
    }
}
