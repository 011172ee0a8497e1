using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Lkm.Sdk.Testing.Rtmp;

/// <summary>
/// Reassembles RTMP messages from a server's chunk stream, independently of any server implementation: all header
/// formats, 1-3 byte chunk stream ids, extended timestamps (also when a sender omits them on continuation chunks),
/// and the peer's Set Chunk Size and Abort messages (applied, and still returned).
/// </summary>
public sealed class RtmpChunkDecoder
{
    private readonly List<byte> _pending = [];
    private readonly Dictionary<int, ChunkStream> _streams = [];

    /// <summary>The peer's chunk size (128 until it sends Set Chunk Size).</summary>
    public int ChunkSize { get; private set; } = 128;

    /// <summary>Bytes received but not yet part of a whole chunk.</summary>
    public int PendingBytes => _pending.Count;

    /// <summary>Adds received bytes.</summary>
    public void Append(ReadOnlySpan<byte> data) => _pending.AddRange(data);

    /// <summary>The next whole message, or false when more bytes are needed.</summary>
    /// <exception cref="InvalidDataException">The stream is not valid RTMP (e.g. a continuation of an unknown chunk stream).</exception>
    public bool TryRead([NotNullWhen(true)] out RtmpMessage? message)
    {
        while (TryReadChunk(out message, out bool progressed))
        {
            if (message is not null)
            {
                return true;
            }

            if (!progressed)
            {
                break;
            }
        }

        message = null;
        return false;
    }

    private bool TryReadChunk(out RtmpMessage? message, out bool progressed)
    {
        message = null;
        progressed = false;
        int p = 0;
        if (!Has(p, 1))
        {
            return false;
        }

        int fmt = _pending[p] >> 6;
        int csid = _pending[p] & 0x3F;
        p++;
        if (csid == 0)
        {
            if (!Has(p, 1))
            {
                return false;
            }

            csid = 64 + _pending[p++];
        }
        else if (csid == 1)
        {
            if (!Has(p, 2))
            {
                return false;
            }

            csid = 64 + _pending[p] + (_pending[p + 1] << 8);
            p += 2;
        }

        int headerLength = fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        if (!Has(p, headerLength))
        {
            return false;
        }

        _streams.TryGetValue(csid, out var state);
        if (fmt != 0 && state is null)
        {
            throw new InvalidDataException($"chunk fmt {fmt} on chunk stream {csid} without a previous fmt 0 header");
        }

        state ??= new ChunkStream();
        bool continuation = state.Received > 0;
        uint field = 0;
        int length = state.Length;
        byte type = state.Type;
        int streamId = state.StreamId;
        if (fmt <= 2)
        {
            field = (uint)((_pending[p] << 16) | (_pending[p + 1] << 8) | _pending[p + 2]);
        }

        if (fmt <= 1)
        {
            length = (_pending[p + 3] << 16) | (_pending[p + 4] << 8) | _pending[p + 5];
            type = _pending[p + 6];
        }

        if (fmt == 0)
        {
            streamId = _pending[p + 7] | (_pending[p + 8] << 8) | (_pending[p + 9] << 16) | (_pending[p + 10] << 24);
        }

        p += headerLength;
        bool extended = fmt == 3 ? state.Extended : field == 0xFFFFFF;
        if (extended)
        {
            if (!Has(p, 4))
            {
                return false;
            }

            uint value = BinaryPrimitives.ReadUInt32BigEndian(Slice(p, 4));
            if (fmt == 3 && continuation && value != state.ExtendedValue)
            {
                // The sender left the extended timestamp out of the continuation chunk: these bytes are payload.
            }
            else
            {
                field = value;
                p += 4;
            }
        }

        uint timestamp = state.Timestamp;
        uint delta = state.Delta;
        if (!continuation)
        {
            switch (fmt)
            {
                case 0:
                    timestamp = field;
                    delta = field;
                    break;
                case 1:
                case 2:
                    delta = field;
                    timestamp = unchecked(state.Timestamp + field);
                    break;
                default:
                    timestamp = unchecked(state.Timestamp + state.Delta);
                    break;
            }
        }

        int count = Math.Min(ChunkSize, length - state.Received);
        if (!Has(p, count))
        {
            return false;
        }

        // The whole chunk is here: commit.
        state.Payload ??= new byte[length];
        if (!continuation)
        {
            state.Payload = new byte[length];
            state.Timestamp = timestamp;
            state.Delta = delta;
            state.Length = length;
            state.Type = type;
            state.StreamId = streamId;
            state.Extended = extended;
            state.ExtendedValue = extended ? field : 0;
        }

        _pending.CopyTo(p, state.Payload, state.Received, count);
        state.Received += count;
        _pending.RemoveRange(0, p + count);
        _streams[csid] = state;
        progressed = true;
        if (state.Received < state.Length)
        {
            return true;
        }

        message = new RtmpMessage(csid, (RtmpMessageType)state.Type, state.Timestamp, state.StreamId, state.Payload);
        state.Payload = null;
        state.Received = 0;
        Apply(message);
        return true;
    }

    private void Apply(RtmpMessage message)
    {
        if (message.Type == RtmpMessageType.SetChunkSize && message.Payload.Length >= 4)
        {
            ChunkSize = Math.Max(1, BinaryPrimitives.ReadInt32BigEndian(message.Payload) & 0x7FFFFFFF);
        }
        else if (message.Type == RtmpMessageType.Abort && message.Payload.Length >= 4
            && _streams.TryGetValue(BinaryPrimitives.ReadInt32BigEndian(message.Payload), out var aborted))
        {
            aborted.Payload = null;
            aborted.Received = 0;
        }
    }

    private bool Has(int offset, int count) => _pending.Count >= offset + count;

    private byte[] Slice(int offset, int count) => [.. _pending.GetRange(offset, count)];

    private sealed class ChunkStream
    {
        public uint Timestamp { get; set; }

        public uint Delta { get; set; }

        public int Length { get; set; }

        public byte Type { get; set; }

        public int StreamId { get; set; }

        public bool Extended { get; set; }

        public uint ExtendedValue { get; set; }

        public byte[]? Payload { get; set; }

        public int Received { get; set; }
    }
}
