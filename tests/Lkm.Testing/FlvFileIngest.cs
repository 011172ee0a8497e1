using System.Buffers;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;

namespace Lkm.Testing;

/// <summary>Demuxes a whole FLV file (e.g. one ffmpeg wrote) with the SDK's reader into an <see cref="FlvIngest"/>, as a publisher would deliver it.</summary>
public static class FlvFileIngest
{
    /// <summary>Feeds every audio and video tag; with <paramref name="withMetadata"/> also the onMetaData script tag.</summary>
    public static void Feed(FlvIngest ingest, byte[] flv, bool withMetadata)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(flv));
        Assert.True(FlvReader.TryReadFileHeader(ref reader, out _));
        while (FlvReader.TryReadTag(ref reader, out var tag))
        {
            switch (tag.Type)
            {
                case FlvTagType.Video:
                    ingest.OnVideo((uint)tag.Timestamp, tag.Body);
                    break;
                case FlvTagType.Audio:
                    ingest.OnAudio((uint)tag.Timestamp, tag.Body);
                    break;
                case FlvTagType.Script when withMetadata && Amf0.DecodeAll(tag.Body) is ["onMetaData", IEnumerable<KeyValuePair<string, object?>> properties, ..]:
                    ingest.OnMetadata(new StreamMetadata([.. properties]));
                    break;
            }
        }
    }
}
