using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Bench.Rtmp;

/// <summary>
/// Client-side RTMP chunk demuxer over a pipe's buffer (Kestrel style: an incomplete chunk header is left
/// unconsumed; payload is consumed as it arrives). Headers of every form are parsed (fmt 0-3, 1-3 byte
/// basic headers, extended timestamps); media payloads are only counted, other messages are buffered
/// (bounded) and handed over whole. Throws only <see cref="RtmpChunkFormatException"/>.
/// </summary>
public sealed class RtmpChunkParser
{
    public const int DefaultChunkSize = 128;

    /// <summary>Distinct chunk streams accepted (servers use a handful).</summary>
    public const int MaxChunkStreams = 64;

    /// <summary>Largest control/command/data message buffered.</summary>
    public const int DefaultMaxBufferedMessage = 1 << 20;

    // Basic header (<= 3) + type-0 message header (11) + extended timestamp (4).
    private const int MaxChunkHeaderLength = 18;

    private readonly IRtmpMessageHandler _handler;
    private readonly int _maxBufferedMessage;
    private readonly Dictionary<int, RtmpChunkStream> _streams = [];
    private RtmpChunkStream? _current;
    private int _payloadLeft;

    public RtmpChunkParser(IRtmpMessageHandler handler, int maxBufferedMessage = DefaultMaxBufferedMessage)
    {
        _handler = handler;
        _maxBufferedMessage = maxBufferedMessage;
    }

    /// <summary>The peer's chunk size (changed by its Set Chunk Size messages).</summary>
    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>Messages completed so far.</summary>
    public long MessageCount { get; private set; }

    /// <summary>Consumes every complete chunk header and all available payload; stops at an incomplete header.</summary>
    public void Parse(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            if (_current is not null)
            {
                if (reader.End)
                {
                    return;
                }

                ConsumePayload(ref reader);
            }
            else if (!TryReadChunkHeader(ref reader))
            {
                return;
            }
        }
    }

    private bool TryReadChunkHeader(ref SequenceReader<byte> reader)
    {
        Span<byte> header = stackalloc byte[MaxChunkHeaderLength];
        int available = (int)Math.Min(reader.Remaining, MaxChunkHeaderLength);
        if (available == 0 || !reader.TryCopyTo(header[..available]))
        {
            return false;
        }

        header = header[..available];
        int fmt = header[0] >> 6;
        int csid = header[0] & 0x3F;
        int position = 1;
        if (csid < 2)
        {
            int extra = csid == 0 ? 1 : 2;
            if (available < 1 + extra)
            {
                return false;
            }

            csid = csid == 0 ? 64 + header[1] : 64 + header[1] + (header[2] << 8);
            position += extra;
        }

        int messageHeaderLength = fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        if (available < position + messageHeaderLength)
        {
            return false;
        }

        var stream = GetStream(csid);
        var fields = header.Slice(position, messageHeaderLength);
        uint timestampField = fmt < 3 ? (uint)((fields[0] << 16) | (fields[1] << 8) | fields[2]) : 0;
        bool extended = fmt < 3 ? timestampField == 0xFFFFFF : stream.ExtendedTimestamp;
        int headerLength = position + messageHeaderLength + (extended ? 4 : 0);
        if (available < headerLength)
        {
            return false;
        }

        if (extended)
        {
            timestampField = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(position + messageHeaderLength, 4));
        }

        bool startsMessage = stream.Received == 0;
        if (fmt < 3 && !startsMessage)
        {
            throw new RtmpChunkFormatException($"chunk stream {csid}: a type-{fmt} header arrived inside an unfinished message");
        }

        if (fmt >= 2 && !stream.HasHeader)
        {
            throw new RtmpChunkFormatException($"chunk stream {csid}: a type-{fmt} header with no earlier header to inherit from");
        }

        switch (fmt)
        {
            case 0:
                stream.Timestamp = timestampField;
                stream.TimestampDelta = 0;
                ReadLengthAndType(stream, fields);
                stream.StreamId = BinaryPrimitives.ReadUInt32LittleEndian(fields[7..]);
                break;
            case 1:
                stream.TimestampDelta = timestampField;
                stream.Timestamp += timestampField;
                ReadLengthAndType(stream, fields);
                break;
            case 2:
                stream.TimestampDelta = timestampField;
                stream.Timestamp += timestampField;
                break;
            default:
                if (startsMessage)
                {
                    stream.Timestamp += stream.TimestampDelta;
                }

                break;
        }

        if (fmt < 3)
        {
            stream.ExtendedTimestamp = extended;
        }

        reader.Advance(headerLength);
        if (startsMessage)
        {
            StartMessage(stream);
        }

        _current = stream;
        _payloadLeft = Math.Min(ChunkSize, stream.MessageLength - stream.Received);
        if (_payloadLeft == 0)
        {
            // A zero-length message: complete with its header.
            FinishChunk();
        }

        return true;
    }

    private static void ReadLengthAndType(RtmpChunkStream stream, ReadOnlySpan<byte> fields)
    {
        stream.MessageLength = (fields[3] << 16) | (fields[4] << 8) | fields[5];
        stream.TypeId = fields[6];
        stream.HasHeader = true;
    }

    private RtmpChunkStream GetStream(int csid)
    {
        if (_streams.TryGetValue(csid, out var stream))
        {
            return stream;
        }

        if (_streams.Count >= MaxChunkStreams)
        {
            throw new RtmpChunkFormatException($"more than {MaxChunkStreams} chunk streams");
        }

        stream = new RtmpChunkStream(csid);
        _streams.Add(csid, stream);
        return stream;
    }

    private void StartMessage(RtmpChunkStream stream)
    {
        if (!RtmpMessageType.IsMedia(stream.TypeId))
        {
            if (stream.MessageLength > _maxBufferedMessage)
            {
                throw new RtmpChunkFormatException($"message type {stream.TypeId} of {stream.MessageLength} bytes is larger than {_maxBufferedMessage}");
            }

            if (stream.MessageLength > 0)
            {
                stream.Body = ArrayPool<byte>.Shared.Rent(stream.MessageLength);
            }
        }
    }

    private void ConsumePayload(ref SequenceReader<byte> reader)
    {
        var stream = _current!;
        var span = reader.UnreadSpan;
        int take = Math.Min(span.Length, _payloadLeft);
        stream.Append(span[..take]);
        reader.Advance(take);
        _payloadLeft -= take;
        if (RtmpMessageType.IsMedia(stream.TypeId))
        {
            _handler.OnMediaPayload(stream.TypeId, take);
        }

        if (_payloadLeft == 0)
        {
            FinishChunk();
        }
    }

    private void FinishChunk()
    {
        var stream = _current!;
        _current = null;
        if (stream.Received < stream.MessageLength)
        {
            return;
        }

        MessageCount++;
        int length = stream.MessageLength;
        var body = stream.Body is null ? ReadOnlySpan<byte>.Empty : stream.Body.AsSpan(0, length);
        try
        {
            ApplyProtocolControl(stream.TypeId, body);
            var message = new RtmpMessage(stream.Id, stream.TypeId, stream.StreamId, stream.Timestamp, length, body,
                stream.Prefix.AsSpan(0, Math.Min(length, RtmpChunkStream.PrefixCapacity)));
            _handler.OnMessage(message);
        }
        finally
        {
            stream.ResetMessage();
        }
    }

    private void ApplyProtocolControl(byte typeId, ReadOnlySpan<byte> body)
    {
        if (typeId == RtmpMessageType.SetChunkSize)
        {
            if (body.Length < 4)
            {
                throw new RtmpChunkFormatException("Set Chunk Size message shorter than 4 bytes");
            }

            int size = (int)(BinaryPrimitives.ReadUInt32BigEndian(body) & 0x7FFFFFFF);
            if (size == 0)
            {
                throw new RtmpChunkFormatException("Set Chunk Size 0");
            }

            ChunkSize = size;
        }
        else if (typeId == RtmpMessageType.Abort && body.Length >= 4)
        {
            uint csid = BinaryPrimitives.ReadUInt32BigEndian(body);
            if (csid <= int.MaxValue && _streams.TryGetValue((int)csid, out var aborted))
            {
                aborted.ResetMessage();
            }
        }
    }
}
