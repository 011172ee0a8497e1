using System.Buffers.Binary;
using System.Globalization;

namespace Lkm.Sdk.Testing.Rtmp;

/// <summary>
/// A compressing RTMP chunk encoder written independently of any server, the way ffmpeg and OBS send:
/// fmt 1/2/3 headers whenever fields repeat, extended timestamps, optional omission of the
/// extended timestamp on continuation chunks (some encoders do that).
/// </summary>
/// <remarks>
/// The message type may be this kit's <see cref="RtmpMessageType"/> or a plugin's own enum of type ids (its
/// underlying value is the type id byte).
/// </remarks>
public sealed class RtmpChunkEncoder
{
    private readonly Dictionary<int, Previous> _previous = [];

    /// <summary>Chunk size used for the payload (128 until the client says otherwise with Set Chunk Size).</summary>
    public int ChunkSize { get; set; } = 128;

    /// <summary>Repeat the extended timestamp on fmt 3 continuation chunks (the specification's way; some encoders omit it).</summary>
    public bool ExtendedTimestampOnContinuation { get; set; } = true;

    /// <summary>Encodes one message into its chunks (each chunk a separate array, so tests can interleave them).</summary>
    /// <param name="csid">Chunk stream id (2..65599).</param>
    /// <param name="type">Message type id.</param>
    /// <param name="timestamp">Absolute timestamp (ms).</param>
    /// <param name="streamId">Message stream id.</param>
    /// <param name="payload">Message body.</param>
    /// <param name="forceFmt">A less compressed header format than the fields allow (0..3).</param>
    public List<byte[]> Encode<TType>(int csid, TType type, uint timestamp, int streamId, ReadOnlySpan<byte> payload, int? forceFmt = null)
        where TType : struct, Enum
    {
        byte typeId = Convert.ToByte(type, CultureInfo.InvariantCulture);
        _previous.TryGetValue(csid, out var prev);
        int fmt;
        uint delta = unchecked(timestamp - (prev?.Timestamp ?? 0));
        if (prev is null || prev.StreamId != streamId)
        {
            fmt = 0;
        }
        else if (prev.Type != typeId || prev.Length != payload.Length)
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

        uint field = fmt == 0 ? timestamp : delta;
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
            header.Add(typeId);
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
        _previous[csid] = new Previous(timestamp, newDelta, payload.Length, typeId, streamId, extended);
        return chunks;
    }

    /// <summary>Encodes one message into one array of all its chunks.</summary>
    /// <param name="csid">Chunk stream id (2..65599).</param>
    /// <param name="type">Message type id.</param>
    /// <param name="timestamp">Absolute timestamp (ms).</param>
    /// <param name="streamId">Message stream id.</param>
    /// <param name="payload">Message body.</param>
    /// <param name="forceFmt">A less compressed header format than the fields allow (0..3).</param>
    public byte[] EncodeMessage<TType>(int csid, TType type, uint timestamp, int streamId, ReadOnlySpan<byte> payload, int? forceFmt = null)
        where TType : struct, Enum =>
        [.. Encode(csid, type, timestamp, streamId, payload, forceFmt).SelectMany(c => c)];

    /// <summary>Forgets a chunk stream's state (after sending Abort, for example).</summary>
    public void Forget(int csid) => _previous.Remove(csid);

    /// <summary>Appends a basic header (1, 2 or 3 bytes for the chunk stream id).</summary>
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

    private sealed record Previous(uint Timestamp, uint Delta, int Length, byte Type, int StreamId, bool Extended);
}
