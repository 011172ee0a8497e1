using System.Buffers;
using System.Buffers.Binary;
using Lkm.Bench.Net;

namespace Lkm.Bench.WebSockets;

/// <summary>
/// Incremental decoder of server-to-client WebSocket frames (RFC 6455): binary/continuation payloads go
/// straight to a sink as they arrive (never buffered), pings are answered, a close frame ends the stream.
/// An incomplete frame header (or control frame) is left unconsumed. Throws only <see cref="TransportFormatException"/>.
/// </summary>
public sealed class WebSocketFrameDecoder
{
    // 2 + 8 (64-bit length); server frames carry no mask key.
    private const int MaxHeaderLength = 10;
    private const int MaxControlPayload = 125;

    private long _payloadLeft;
    private bool _inMessage;

    /// <summary>True once a close frame has been read.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>The close status code the server sent (0 = none).</summary>
    public int CloseStatus { get; private set; }

    /// <summary>Consumes what it can; returns <see cref="IsClosed"/>. Pong frames for pings are written to <paramref name="replies"/>.</summary>
    public bool Decode(ref SequenceReader<byte> reader, IPayloadSink sink, IBufferWriter<byte> replies)
    {
        while (!reader.End && !IsClosed)
        {
            if (_payloadLeft > 0)
            {
                var span = reader.UnreadSpan;
                int take = (int)Math.Min(span.Length, _payloadLeft);
                sink.Feed(span[..take]);
                reader.Advance(take);
                _payloadLeft -= take;
                continue;
            }

            if (!TryReadFrame(ref reader, sink, replies))
            {
                break;
            }
        }

        return IsClosed;
    }

    private bool TryReadFrame(ref SequenceReader<byte> reader, IPayloadSink sink, IBufferWriter<byte> replies)
    {
        Span<byte> header = stackalloc byte[MaxHeaderLength];
        int available = (int)Math.Min(reader.Remaining, MaxHeaderLength);
        if (available < 2 || !reader.TryCopyTo(header[..available]))
        {
            return false;
        }

        bool fin = (header[0] & 0x80) != 0;
        if ((header[0] & 0x70) != 0)
        {
            throw new TransportFormatException("WebSocket frame with RSV bits set (no extension was negotiated)");
        }

        int opcode = header[0] & 0x0F;
        if ((header[1] & 0x80) != 0)
        {
            throw new TransportFormatException("masked WebSocket frame from the server");
        }

        int length7 = header[1] & 0x7F;
        int headerLength = length7 switch { 126 => 4, 127 => 10, _ => 2 };
        if (available < headerLength)
        {
            return false;
        }

        long length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
            _ => length7,
        };
        if (length < 0)
        {
            throw new TransportFormatException("WebSocket frame length has the top bit set");
        }

        switch (opcode)
        {
            case 0x0 when !_inMessage:
                throw new TransportFormatException("WebSocket continuation frame with no message to continue");
            case 0x1:
                throw new TransportFormatException("WebSocket text frame in an FLV stream");
            case 0x2 when _inMessage:
                throw new TransportFormatException("WebSocket binary frame inside an unfinished message");
            case 0x0 or 0x2:
                _inMessage = !fin;
                reader.Advance(headerLength);
                _payloadLeft = length;
                return true;
            case 0x8 or 0x9 or 0xA:
                return TryReadControlFrame(ref reader, opcode, fin, headerLength, length, replies);
            default:
                throw new TransportFormatException($"WebSocket frame with reserved opcode {opcode}");
        }
    }

    private bool TryReadControlFrame(ref SequenceReader<byte> reader, int opcode, bool fin, int headerLength, long length, IBufferWriter<byte> replies)
    {
        if (!fin || length > MaxControlPayload)
        {
            throw new TransportFormatException("fragmented or oversized WebSocket control frame");
        }

        if (reader.Remaining < headerLength + length)
        {
            return false;
        }

        reader.Advance(headerLength);
        Span<byte> payload = stackalloc byte[(int)length];
        reader.TryCopyTo(payload);
        reader.Advance(length);
        if (opcode == 0x8)
        {
            IsClosed = true;
            CloseStatus = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 0;
        }
        else if (opcode == 0x9)
        {
            WriteClientFrame(replies, 0xA, payload);
        }

        return true;
    }

    /// <summary>Writes a masked client frame (clients must mask, RFC 6455 5.3).</summary>
    public static void WriteClientFrame(IBufferWriter<byte> output, int opcode, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxControlPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "only small frames are sent by the bench");
        }

        var span = output.GetSpan(6 + payload.Length);
        span[0] = (byte)(0x80 | opcode);
        span[1] = (byte)(0x80 | payload.Length);
        Span<byte> mask = span.Slice(2, 4);
        Random.Shared.NextBytes(mask);
        for (int i = 0; i < payload.Length; i++)
        {
            span[6 + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        output.Advance(6 + payload.Length);
    }
}
