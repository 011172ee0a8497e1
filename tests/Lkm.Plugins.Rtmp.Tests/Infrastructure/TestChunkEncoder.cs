using System.Buffers.Binary;
using Lkm.Plugins.Rtmp.Protocol;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>
/// A compressing chunk encoder written independently of the plugin's writer, the way ffmpeg and OBS
/// send: fmt 1/2/3 headers whenever fields repeat, extended timestamps, optional omission of the
/// extended timestamp on continuation chunks (some encoders do that).
/// </summary>
internal sealed class TestChunkEncoder
{
    private readonly Dictionary<int, Previous> _previous = [];

    public int ChunkSize { get; set; } = 128;

    public bool ExtendedTimestampOnContinuation { get; set; } = true;

    /// <summary>Encodes one message into its chunks (each chunk a separate array, so tests can interleave them).</summary>
    public List<byte[]> Encode(int csid, RtmpMessageType type, uint timestamp, int streamId, ReadOnlySpan<byte> payload, int? forceFmt = null)
    {
        _previous.TryGetValue(csid, out var prev);
        int fmt;
        uint field;
        uint delta = unchecked(timestamp - (prev?.Timestamp ?? 0));
        if (prev is null || prev.StreamId != streamId)
        {
            fmt = 0;
        }
        else if (prev.Type != type || prev.Length != payload.Length)
        {
            fmt = 1;
        }
        else if (delta != prev.Delta)
        {
            fmt = 2;
        }
        else
        {
            fmt = 3;
        }

        if (forceFmt is { } forced)
        {
            if (forced > fmt)
            {
                throw new InvalidOperationException("cannot force a more compressed header than the fields allow");
            }

            fmt = forced;
        }

        field = fmt == 0 ? timestamp : delta;
        bool extended = fmt == 3 ? prev!.Extended : field >= 0xFFFFFF;
        uint extendedValue = fmt == 3 ? prev!.Delta : field;

        var chunks = new List<byte[]>();
        var header = new List<byte>();
        WriteBasicHeader(header, fmt, csid);
        if (fmt <= 2)
        {
            WriteUInt24(header, extended ? 0xFFFFFF : field);
        }

        if (fmt <= 1)
        {
            WriteUInt24(header, (uint)payload.Length);
            header.Add((byte)type);
        }

        if (fmt == 0)
        {
            var sid = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(sid, streamId);
            header.AddRange(sid);
        }

        if (extended)
        {
            WriteUInt32(header, extendedValue);
        }

        int offset = 0;
        do
        {
            int count = Math.Min(ChunkSize, payload.Length - offset);
            header.AddRange(payload.Slice(offset, count));
            chunks.Add([.. header]);
            offset += count;
            header.Clear();
            WriteBasicHeader(header, 3, csid);
            if (extended && ExtendedTimestampOnContinuation)
            {
                WriteUInt32(header, extendedValue);
            }
        }
        while (offset < payload.Length);

        uint newDelta = fmt == 0 ? timestamp : fmt == 3 ? prev!.Delta : delta;
        _previous[csid] = new Previous(timestamp, newDelta, payload.Length, type, streamId, extended);
        return chunks;
    }

    public byte[] EncodeMessage(int csid, RtmpMessageType type, uint timestamp, int streamId, ReadOnlySpan<byte> payload, int? forceFmt = null) =>
        [.. Encode(csid, type, timestamp, streamId, payload, forceFmt).SelectMany(c => c)];

    /// <summary>Forgets a chunk stream's state (after sending Abort, for example).</summary>
    public void Forget(int csid) => _previous.Remove(csid);

    public static void WriteBasicHeader(List<byte> output, int fmt, int csid)
    {
        if (csid < 64)
        {
            output.Add((byte)((fmt << 6) | csid));
        }
        else if (csid < 320)
        {
            output.Add((byte)(fmt << 6));
            output.Add((byte)(csid - 64));
        }
        else
        {
            output.Add((byte)((fmt << 6) | 1));
            output.Add((byte)((csid - 64) & 0xFF));
            output.Add((byte)((csid - 64) >> 8));
        }
    }

    private static void WriteUInt24(List<byte> output, uint value)
    {
        output.Add((byte)(value >> 16));
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }

    private static void WriteUInt32(List<byte> output, uint value)
    {
        output.Add((byte)(value >> 24));
        output.Add((byte)(value >> 16));
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }

    private sealed record Previous(uint Timestamp, uint Delta, int Length, RtmpMessageType Type, int StreamId, bool Extended);
}
