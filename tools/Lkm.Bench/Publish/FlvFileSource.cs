using System.Buffers;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;

namespace Lkm.Bench.Publish;

/// <summary>
/// An FLV file loaded once and shared by every publisher: its media tags (bodies referenced in place),
/// its onMetaData as an <c>@setDataFrame</c> body, and how long one loop lasts.
/// </summary>
public sealed class FlvFileSource
{
    private readonly byte[] _data;

    private FlvFileSource(byte[] data, FlvFileTag[] tags, byte[]? setDataFrame, long loopDurationMs)
    {
        _data = data;
        Tags = tags;
        SetDataFrame = setDataFrame;
        LoopDurationMs = loopDurationMs;
    }

    public IReadOnlyList<FlvFileTag> Tags { get; }

    /// <summary><c>"@setDataFrame"</c> followed by the file's onMetaData script body; null if the file has none.</summary>
    public byte[]? SetDataFrame { get; }

    /// <summary>Timestamp span of the file plus one frame: the offset added to timestamps on each loop.</summary>
    public long LoopDurationMs { get; }

    /// <summary>Bits per second of the file's media (body bytes over the loop duration).</summary>
    public double MediaKbps => LoopDurationMs == 0 ? 0 : Tags.Sum(t => (long)t.Length) * 8.0 / LoopDurationMs;

    public ReadOnlySpan<byte> Body(in FlvFileTag tag) => _data.AsSpan(tag.Offset, tag.Length);

    public static FlvFileSource Load(string path) => Parse(File.ReadAllBytes(path));

    public static FlvFileSource Parse(byte[] data)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(data));
        if (!FlvReader.TryReadFileHeader(ref reader, out _))
        {
            throw new FlvFormatException("the file is shorter than an FLV header");
        }

        var tags = new List<FlvFileTag>();
        byte[]? setDataFrame = null;
        long? first = null;
        while (true)
        {
            long start = reader.Consumed;
            if (!FlvReader.TryReadTag(ref reader, out var tag))
            {
                break; // end of file (a truncated last tag is ignored)
            }

            int offset = (int)start + FlvWriter.TagHeaderSize;
            int length = (int)tag.Body.Length;
            var body = data.AsSpan(offset, length);
            if (tag.Type == FlvTagType.Script)
            {
                setDataFrame ??= MetadataBody(new ReadOnlySequence<byte>(data, offset, length));
                continue;
            }

            if (length == 0)
            {
                continue;
            }

            first ??= tag.Timestamp;
            tags.Add(new FlvFileTag((byte)tag.Type, tag.Timestamp - first.Value, offset, length, IsSequenceHeader(tag.Type, body)));
        }

        if (tags.Count == 0)
        {
            throw new FlvFormatException("the file has no audio or video tags");
        }

        return new FlvFileSource(data, [.. tags], setDataFrame, tags[^1].TimestampMs + FrameInterval(tags));
    }

    private static byte[]? MetadataBody(ReadOnlySequence<byte> body)
    {
        try
        {
            var reader = new SequenceReader<byte>(body);
            if (Amf0.Decode(ref reader) is not "onMetaData")
            {
                return null;
            }
        }
        catch (Amf0FormatException)
        {
            return null;
        }

        byte[] prefix = Amf0.Encode("@setDataFrame");
        return [.. prefix, .. body.ToArray()];
    }

    private static bool IsSequenceHeader(FlvTagType type, ReadOnlySpan<byte> body)
    {
        byte first = body[0];
        byte second = body.Length > 1 ? body[1] : (byte)0xFF;
        if (type == FlvTagType.Video)
        {
            return (first & 0x80) != 0 ? (first & 0x0F) == 0 : (first & 0x0F) is 7 or 12 && second == 0;
        }

        return first >> 4 == 10 && second == 0;
    }

    /// <summary>The mean video frame interval (else audio), so the next loop starts one frame after the last.</summary>
    private static long FrameInterval(List<FlvFileTag> tags)
    {
        foreach (byte type in new byte[] { (byte)FlvTagType.Video, (byte)FlvTagType.Audio })
        {
            var stamps = tags.Where(t => t.Type == type && !t.IsSequenceHeader).Select(t => t.TimestampMs).ToArray();
            if (stamps.Length >= 2 && stamps[^1] > stamps[0])
            {
                return Math.Max(1, (stamps[^1] - stamps[0]) / (stamps.Length - 1));
            }
        }

        return 40;
    }
}
