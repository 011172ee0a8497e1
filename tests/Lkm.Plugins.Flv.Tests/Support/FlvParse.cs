using System.Buffers;
using Lkm.Sdk.Flv;

namespace Lkm.Plugins.Flv.Tests.Support;

internal sealed record ParsedTag(FlvTagType Type, long Timestamp, byte[] Body, uint PreviousTagSize);

internal sealed record ParsedFlv(FlvFileHeader Header, List<ParsedTag> Tags);

/// <summary>Reads a complete FLV byte stream with the SDK reader and checks the framing invariants on the way.</summary>
internal static class FlvParse
{
    public static ParsedFlv Parse(byte[] data)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(data));
        Assert.True(FlvReader.TryReadFileHeader(ref reader, out var header), "no FLV file header");
        var tags = new List<ParsedTag>();
        while (FlvReader.TryReadTag(ref reader, out var tag))
        {
            tags.Add(new ParsedTag(tag.Type, tag.Timestamp, tag.Body.ToArray(), tag.PreviousTagSize));
        }

        Assert.True(reader.Remaining == 0, $"{reader.Remaining} bytes after the last complete tag");
        return new ParsedFlv(header, tags);
    }

    /// <summary>Every tag's PreviousTagSize equals its own size (11-byte tag header + body): a player can walk the stream both ways.</summary>
    public static void AssertConsistentPreviousTagSizes(ParsedFlv flv)
    {
        foreach (var tag in flv.Tags)
        {
            Assert.Equal((uint)(FlvWriter.TagHeaderSize + tag.Body.Length), tag.PreviousTagSize);
        }
    }

    public static void AssertMonotonicTimestamps(ParsedFlv flv)
    {
        long last = long.MinValue;
        foreach (var tag in flv.Tags)
        {
            Assert.True(tag.Timestamp >= last, $"timestamp {tag.Timestamp} after {last}");
            last = tag.Timestamp;
        }
    }

    public static bool IsVideoSequenceHeader(ParsedTag tag) => tag.Type == FlvTagType.Video && tag.Body.Length >= 2 && (tag.Body[0] & 0x0F) == 7 && tag.Body[1] == 0;

    public static bool IsAudioSequenceHeader(ParsedTag tag) => tag.Type == FlvTagType.Audio && tag.Body.Length >= 2 && (tag.Body[0] >> 4) == 10 && tag.Body[1] == 0;

    public static byte[] Concat(IEnumerable<ReadOnlyMemory<byte>> parts)
    {
        var all = new ArrayBufferWriter<byte>();
        foreach (var part in parts)
        {
            all.Write(part.Span);
        }

        return all.WrittenSpan.ToArray();
    }
}
