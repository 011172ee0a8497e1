using System.Buffers;
using Lkm.Bench.Publish;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;

namespace Lkm.Bench.Tests.Publish;

public sealed class FlvFileSourceTests
{
    [Fact]
    public void Loads_media_tags_marks_codec_headers_and_turns_onMetaData_into_setDataFrame()
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(output, hasAudio: true, hasVideo: true);
        byte[] script = Amf0.Encode("onMetaData", new Amf0Object { { "duration", 1.0 } });
        FlvWriter.WriteTag(output, FlvTagType.Script, 0, script);
        FlvWriter.WriteTag(output, FlvTagType.Video, 1000, [0x17, 0x00, 1, 2]);
        FlvWriter.WriteTag(output, FlvTagType.Audio, 1000, [0xAF, 0x00, 0x12, 0x10]);
        for (int i = 0; i < 5; i++)
        {
            FlvWriter.WriteTag(output, FlvTagType.Video, 1000 + (i * 40), [(byte)(i == 0 ? 0x17 : 0x27), 0x01, 0, 0, 0, (byte)i]);
            FlvWriter.WriteTag(output, FlvTagType.Audio, 1000 + (i * 40) + 5, [0xAF, 0x01, (byte)i]);
        }

        var source = FlvFileSource.Parse(output.WrittenSpan.ToArray());

        Assert.Equal(12, source.Tags.Count);
        Assert.Equal([true, true], source.Tags.Take(2).Select(t => t.IsSequenceHeader));
        Assert.All(source.Tags.Skip(2), t => Assert.False(t.IsSequenceHeader));
        Assert.Equal(0, source.Tags[0].TimestampMs); // rebased on the first tag
        Assert.Equal(165, source.Tags[^1].TimestampMs);
        Assert.Equal(165 + 40, source.LoopDurationMs); // plus one video frame interval
        Assert.Equal([0x27, 0x01, 0, 0, 0, 4], source.Body(source.Tags[^2]).ToArray());
        Assert.NotNull(source.SetDataFrame);
        Assert.Equal([.. Amf0.Encode("@setDataFrame"), .. script], source.SetDataFrame);
    }

    [Fact]
    public void A_file_without_media_is_refused()
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteFileHeader(output, hasAudio: false, hasVideo: false);
        Assert.Throws<FlvFormatException>(() => FlvFileSource.Parse(output.WrittenSpan.ToArray()));
    }
}
