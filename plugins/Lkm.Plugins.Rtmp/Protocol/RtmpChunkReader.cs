using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>
/// Reassembles RTMP messages from the chunk stream (basic header 1–3 bytes, fmt 0–3, extended
/// timestamps, per-chunk-stream state). Chunk payloads are consumed as they arrive, so memory is
/// bounded by the messages in flight (each at most <c>maxMessageSize</c>), never by the peer's
/// chunk size or declared lengths. Applies SetChunkSize and Abort itself, before the next chunk.
/// Not thread safe: one reader per connection.
/// </summary>
public sealed class RtmpChunkReader : IDisposable
{
    public const int DefaultChunkSize = 128;

    /// <summary>Largest chunk stream id a 3-byte basic header can name.</summary>
    public const int MaxChunkStreamId = 65599;

    private const uint TimestampEscape = 0xFFFFFF;
    private const int MinimumBufferSize = 4096;
    private const int KeepBufferLimit = 1024 * 1024;

    private readonly Dictionary<int, ChunkStreamState> _streams = [];
    private readonly int _maxMessageSize;
    private readonly int _maxChunkStreams;
    private readonly long _maxPendingBytes;
    private ChunkStreamState? _current;
    private int _chunkRemaining;
    private long _pendingBytes;

    public RtmpChunkReader(int maxMessageSize = 8 * 1024 * 1024, int maxChunkStreams = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkStreams, 1);
        _maxMessageSize = maxMessageSize;
        _maxChunkStreams = maxChunkStreams;

        // Interleaved messages are normal (audio inside a video frame), several large ones at once are not.
        _maxPendingBytes = 2L * maxMessageSize;
    }

    /// <summary>The peer's chunk size (SetChunkSize), 1..max message size.</summary>
    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>Chunk streams with state (bounded by the constructor's <c>maxChunkStreams</c>).</summary>
    public int ChunkStreamCount => _streams.Count;

    /// <summary>Bytes held for messages not complete yet, over all chunk streams.</summary>
    public long PendingBytes => _pendingBytes;

    /// <summary>
    /// Consumes chunks from the front of <paramref name="buffer"/> (slicing it) until one message is
    /// complete. Returns false when more input is needed; the unconsumed rest is left in <paramref name="buffer"/>.
    /// </summary>
    /// <exception cref="RtmpProtocolException">The input breaks the protocol or a limit.</exception>
    public bool TryReadMessage(ref ReadOnlySequence<byte> buffer, out RtmpMessage message)
    {
        while (true)
        {
            if (_current is null)
            {
                if (!TryReadChunkHeader(ref buffer, out message, out bool completed))
                {
                    return false;
                }

                if (completed)
                {
                    return true;
                }

                continue;
            }

            if (buffer.IsEmpty)
            {
                message = default;
                return false;
            }

            if (CopyChunkPayload(ref buffer, out message))
            {
                return true;
            }
        }
    }

    public void Dispose()
    {
        foreach (var state in _streams.Values)
        {
            ReturnBuffer(state);
        }

        _streams.Clear();
        _current = null;
        _pendingBytes = 0;
    }

    private bool TryReadChunkHeader(ref ReadOnlySequence<byte> buffer, out RtmpMessage message, out bool completed)
    {
        message = default;
        completed = false;
        var reader = new SequenceReader<byte>(buffer);

        // Basic header: fmt (2 bits) + chunk stream id in 1, 2 or 3 bytes.
        if (!reader.TryRead(out byte first))
        {
            return false;
        }

        int fmt = first >> 6;
        int csid = first & 0x3F;
        if (csid == 0)
        {
            if (!reader.TryRead(out byte b1))
            {
                return false;
            }

            csid = 64 + b1;
        }
        else if (csid == 1)
        {
            if (!reader.TryRead(out byte b1) || !reader.TryRead(out byte b2))
            {
                return false;
            }

            csid = 64 + b1 + (b2 << 8);
        }

        _streams.TryGetValue(csid, out var state);
        if (state is null && fmt > 1)
        {
            throw new RtmpProtocolException($"chunk stream {csid} starts with a fmt {fmt} header");
        }

        // Message header: fmt 0 = 11 bytes, fmt 1 = 7, fmt 2 = 3, fmt 3 = 0.
        uint timestampField = 0;
        int length = 0;
        byte type = 0;
        int streamId = 0;
        if (fmt <= 2)
        {
            if (!TryReadUInt24(ref reader, out timestampField))
            {
                return false;
            }

            if (fmt <= 1)
            {
                if (!TryReadUInt24(ref reader, out uint len) || !reader.TryRead(out type))
                {
                    return false;
                }

                length = (int)len;
            }

            if (fmt == 0 && !reader.TryReadLittleEndian(out streamId))
            {
                return false;
            }
        }

        bool continuation = fmt == 3 && state!.InProgress;
        bool extended;
        uint timestampValue = timestampField;
        if (fmt <= 2)
        {
            extended = timestampField == TimestampEscape;
            if (extended && !TryReadUInt32(ref reader, out timestampValue))
            {
                return false;
            }
        }
        else
        {
            extended = state!.HasExtendedTimestamp;
            if (extended)
            {
                if (!TryPeekUInt32(reader, out uint value))
                {
                    return false;
                }

                // A new message always repeats the extended timestamp. On continuation chunks some
                // encoders omit it: skip the 4 bytes only when they repeat the value we know.
                if (!continuation || value == state.ExtendedTimestamp)
                {
                    reader.Advance(4);
                    timestampValue = value;
                }
            }
        }

        if (length > _maxMessageSize)
        {
            throw new RtmpProtocolException($"message of {length} bytes exceeds the limit of {_maxMessageSize}");
        }

        // The whole header is here: commit it.
        if (state is null)
        {
            if (_streams.Count >= _maxChunkStreams)
            {
                throw new RtmpProtocolException($"more than {_maxChunkStreams} chunk streams");
            }

            state = new ChunkStreamState(csid);
            _streams.Add(csid, state);
        }

        if (fmt != 3 && state.InProgress)
        {
            // A new header in the middle of a message: drop the partial message and start over (as ffmpeg does).
            DiscardMessage(state);
        }

        switch (fmt)
        {
            case 0:
                state.Timestamp = timestampValue;
                state.TimestampDelta = timestampValue;
                break;
            case 1:
            case 2:
                state.TimestampDelta = timestampValue;
                state.Timestamp = unchecked(state.Timestamp + timestampValue);
                break;
            default:
                if (!continuation)
                {
                    if (extended)
                    {
                        state.TimestampDelta = timestampValue;
                    }

                    state.Timestamp = unchecked(state.Timestamp + state.TimestampDelta);
                }

                break;
        }

        if (fmt <= 2)
        {
            state.HasExtendedTimestamp = extended;
            state.ExtendedTimestamp = extended ? timestampValue : 0;
        }

        if (fmt <= 1)
        {
            state.MessageLength = length;
            state.MessageType = (RtmpMessageType)type;
        }

        if (fmt == 0)
        {
            state.MessageStreamId = streamId;
        }

        if (!continuation)
        {
            state.InProgress = true;
            state.BytesRead = 0;
        }

        int chunkPayload = Math.Min(ChunkSize, state.MessageLength - state.BytesRead);

        // Fast path: a whole message in one chunk that is already here is handed out without a copy.
        if (!continuation && chunkPayload == state.MessageLength && reader.Remaining >= chunkPayload)
        {
            var payload = buffer.Slice(reader.Position, chunkPayload);
            buffer = buffer.Slice(payload.End);
            state.InProgress = false;
            message = new RtmpMessage(csid, state.MessageType, state.Timestamp, state.MessageStreamId, payload);
            ApplyControl(message);
            completed = true;
            return true;
        }

        buffer = buffer.Slice(reader.Position);
        _current = state;
        _chunkRemaining = chunkPayload;
        if (!continuation)
        {
            PrepareBuffer(state);
        }

        return true;
    }

    private bool CopyChunkPayload(ref ReadOnlySequence<byte> buffer, out RtmpMessage message)
    {
        var state = _current!;
        int count = (int)Math.Min(buffer.Length, _chunkRemaining);
        EnsureCapacity(state, state.BytesRead + count);
        buffer.Slice(0, count).CopyTo(state.Buffer.AsSpan(state.BytesRead));
        buffer = buffer.Slice(count);
        state.BytesRead += count;
        _chunkRemaining -= count;
        _pendingBytes += count;
        if (_pendingBytes > _maxPendingBytes)
        {
            throw new RtmpProtocolException($"incomplete messages hold more than {_maxPendingBytes} bytes");
        }

        if (_chunkRemaining > 0)
        {
            message = default;
            return false;
        }

        _current = null;
        if (state.BytesRead < state.MessageLength)
        {
            message = default;
            return false;
        }

        _pendingBytes -= state.BytesRead;
        state.InProgress = false;
        message = new RtmpMessage(
            state.Id,
            state.MessageType,
            state.Timestamp,
            state.MessageStreamId,
            new ReadOnlySequence<byte>(state.Buffer!, 0, state.MessageLength));
        ApplyControl(message);
        return true;
    }

    /// <summary>SetChunkSize and Abort change how the next chunks are read, so the reader applies them itself.</summary>
    private void ApplyControl(in RtmpMessage message)
    {
        if (message.Type == RtmpMessageType.SetChunkSize)
        {
            uint size = ReadControlValue(message);
            if (size == 0 || size > int.MaxValue)
            {
                throw new RtmpProtocolException($"invalid chunk size {size}");
            }

            // Legal RTMP, but no real encoder needs a chunk larger than the largest message we take:
            // a peer asking for one is probing limits (e.g. 0x7FFFFFFF), so it is refused.
            if (size > (uint)_maxMessageSize)
            {
                throw new RtmpProtocolException($"chunk size {size} above the accepted maximum {_maxMessageSize}");
            }

            ChunkSize = (int)size;
        }
        else if (message.Type == RtmpMessageType.Abort)
        {
            uint csid = ReadControlValue(message);
            if (csid <= MaxChunkStreamId && _streams.TryGetValue((int)csid, out var aborted) && aborted.InProgress)
            {
                DiscardMessage(aborted);
            }
        }
    }

    private static uint ReadControlValue(in RtmpMessage message)
    {
        if (message.Payload.Length < 4)
        {
            throw new RtmpProtocolException($"{message.Type} message of {message.Payload.Length} bytes");
        }

        Span<byte> bytes = stackalloc byte[4];
        message.Payload.Slice(0, 4).CopyTo(bytes);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private void DiscardMessage(ChunkStreamState state)
    {
        _pendingBytes -= state.BytesRead;
        state.BytesRead = 0;
        state.InProgress = false;
    }

    private static void PrepareBuffer(ChunkStreamState state)
    {
        // Very large buffers are not kept for the life of the connection.
        if (state.Buffer is { Length: > KeepBufferLimit })
        {
            ReturnBuffer(state);
        }
    }

    /// <summary>Grows the reassembly buffer with the bytes that arrived, so a declared length alone costs nothing.</summary>
    private static void EnsureCapacity(ChunkStreamState state, int needed)
    {
        var buffer = state.Buffer;
        if (buffer is not null && buffer.Length >= needed)
        {
            return;
        }

        int size = Math.Min(state.MessageLength, Math.Max(Math.Max(needed, MinimumBufferSize), (buffer?.Length ?? 0) * 2));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        if (buffer is not null)
        {
            buffer.AsSpan(0, state.BytesRead).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        state.Buffer = bigger;
    }

    private static void ReturnBuffer(ChunkStreamState state)
    {
        if (state.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(state.Buffer);
            state.Buffer = null;
        }
    }

    private static bool TryReadUInt24(ref SequenceReader<byte> reader, out uint value)
    {
        value = 0;
        if (reader.Remaining < 3)
        {
            return false;
        }

        reader.TryRead(out byte b0);
        reader.TryRead(out byte b1);
        reader.TryRead(out byte b2);
        value = (uint)((b0 << 16) | (b1 << 8) | b2);
        return true;
    }

    private static bool TryReadUInt32(ref SequenceReader<byte> reader, out uint value)
    {
        if (reader.TryReadBigEndian(out int signed))
        {
            value = (uint)signed;
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryPeekUInt32(SequenceReader<byte> reader, out uint value) => TryReadUInt32(ref reader, out value);
}
