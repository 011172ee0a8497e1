using Lkm.Sdk.Codecs;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Codecs;

public class AacTests
{
    [Theory]
    [InlineData("1210", 2, 44100, 2)] // AAC-LC 44.1 kHz stereo (ffmpeg's usual)
    [InlineData("1188", 2, 48000, 1)] // AAC-LC 48 kHz mono
    [InlineData("1588", 2, 8000, 1)] // AAC-LC 8 kHz mono (GB28181 cameras)
    public void Parses_and_builds_plain_audio_specific_configs(string hex, int objectType, int sampleRate, int channels)
    {
        var config = AudioSpecificConfig.Parse(Hex.Bytes(hex));
        Assert.Equal(objectType, config.ObjectType);
        Assert.Equal(sampleRate, config.SampleRate);
        Assert.Equal(sampleRate, config.OutputSampleRate);
        Assert.Equal(channels, config.Channels);
        Assert.Equal(Hex.Bytes(hex), AudioSpecificConfig.Create(objectType, sampleRate, channels));
    }

    [Fact]
    public void Explicit_he_aac_reports_the_extension_rate()
    {
        // AOT 5 (SBR), 24 kHz core, stereo, extension 48 kHz, then AOT 2.
        var bytes = new BitWriter().Bits(5, 5).Bits(6, 4).Bits(2, 4).Bits(3, 4).Bits(2, 5).Bits(0, 3).Trailing().ToBytes();
        var config = AudioSpecificConfig.Parse(bytes);
        Assert.Equal(2, config.ObjectType);
        Assert.Equal(24000, config.SampleRate);
        Assert.Equal(48000, config.OutputSampleRate);
    }

    [Fact]
    public void Explicit_sample_rate_round_trips()
    {
        var bytes = AudioSpecificConfig.Create(2, 50000, 2);
        Assert.Equal(5, bytes.Length);
        var config = AudioSpecificConfig.Parse(bytes);
        Assert.Equal(50000, config.SampleRate);
        Assert.Equal(2, config.Channels);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("0010")] // object type 0
    [InlineData("16c0")] // reserved frequency index 13
    public void Broken_audio_specific_configs_throw(string hex)
    {
        Assert.Throws<CodecFormatException>(() => AudioSpecificConfig.Parse(Hex.Bytes(hex)));
    }

    [Fact]
    public void Adts_header_written_for_a_raw_frame_parses_back_and_maps_to_the_asc()
    {
        var asc = AudioSpecificConfig.Parse(Hex.Bytes("1190")); // LC 48 kHz stereo
        var header = new byte[7];
        AdtsHeader.Write(header, asc, payloadLength: 371);
        Assert.Equal(0xFF, header[0]);
        Assert.Equal(0xF1, header[1]);

        var parsed = AdtsHeader.Parse(header);
        Assert.Equal(2, parsed.ObjectType);
        Assert.Equal(48000, parsed.SampleRate);
        Assert.Equal(2, parsed.Channels);
        Assert.Equal(378, parsed.FrameLength);
        Assert.Equal(371, parsed.PayloadLength);
        Assert.Equal(7, parsed.HeaderLength);
        Assert.Equal(1, parsed.RawDataBlocks);
        Assert.Equal(Hex.Bytes("1190"), parsed.ToAudioSpecificConfigBytes());
        Assert.Equal(asc, parsed.ToAudioSpecificConfig());
    }

    [Fact]
    public void Adts_header_from_ffmpeg_parses()
    {
        // First ADTS header of `ffmpeg -f lavfi -i sine -c:a aac -f adts` (LC, 44.1 kHz, mono, CRC absent).
        var parsed = AdtsHeader.Parse(Hex.Bytes("fff15040213ffc"));
        Assert.Equal(2, parsed.ObjectType);
        Assert.Equal(44100, parsed.SampleRate);
        Assert.Equal(1, parsed.Channels);
        Assert.False(parsed.HasCrc);
        Assert.Equal(0x109, parsed.FrameLength);
    }

    [Theory]
    [InlineData("fff150401c5f")] // too short
    [InlineData("fef150401c5ffc")] // no sync
    [InlineData("fff174401c5ffc")] // reserved frequency index 13
    [InlineData("fff15040003ffc")] // frame length 1 < header
    public void Broken_adts_headers_throw(string hex)
    {
        Assert.Throws<CodecFormatException>(() => AdtsHeader.Parse(Hex.Bytes(hex)));
        Assert.False(AdtsHeader.TryParse(Hex.Bytes(hex), out _));
    }

    [Fact]
    public void Back_to_back_adts_frames_split_into_raw_payloads_and_keep_a_partial_tail()
    {
        var stream = new List<byte>();
        foreach (int length in new[] { 5, 0, 300 })
        {
            var header = new byte[7];
            AdtsHeader.Write(header, 2, 4, 1, length);
            stream.AddRange(header);
            stream.AddRange(Enumerable.Repeat((byte)length, length));
        }

        stream.AddRange(new byte[] { 0xFF, 0xF1, 0x50 }); // next frame's header, cut off
        var bytes = stream.ToArray();
        var enumerator = AdtsHeader.EnumerateFrames(bytes);
        var lengths = new List<int>();
        while (enumerator.MoveNext())
        {
            var frame = enumerator.Current;
            Assert.Equal(44100, frame.Header.SampleRate);
            byte expected = (byte)frame.Payload.Length;
            Assert.All(frame.Payload.ToArray(), b => Assert.Equal(expected, b));
            lengths.Add(frame.Payload.Length);
        }

        Assert.Equal([5, 0, 300], lengths);
        Assert.Equal(bytes.Length - 3, enumerator.Consumed);
    }

    [Fact]
    public void Frames_that_do_not_fit_adts_are_refused()
    {
        var header = new byte[7];
        Assert.Throws<ArgumentOutOfRangeException>(() => AdtsHeader.Write(header, 2, 4, 2, 8190));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdtsHeader.Write(header, 5, 4, 2, 10));
    }
}
