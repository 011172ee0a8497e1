using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;

namespace Lkm.Sdk.WebSockets;

/// <summary>
/// Reads what a client sends to a server that only streams to it (WS-FLV and the like): control frames are
/// returned, data frames are validated and discarded without buffering, so a client cannot make the server hold
/// memory. Enforces the client's rules of RFC 6455 5: frames masked, no reserved bits (no extension was
/// negotiated), known opcodes, control frames final and at most 125 bytes, a 64-bit length without its top bit.
/// (A length not in its minimal form is accepted: strictness there would only break sloppy clients.)
/// Bad input throws <see cref="WebSocketException"/> (the connection is then closed with 1002).
/// </summary>
public sealed class WebSocketClientFrameReader
{
    /// <summary>Largest payload of a control frame (RFC 6455 5.5).</summary>
    public const int MaxControlPayload = 125;

    private long _skip;

    /// <summary>
    /// Consumes whole frames from <paramref name="reader"/> until a control frame is complete (true) or the input
    /// runs out (false; a partial frame header or control frame is left unconsumed, a data payload is skipped as it comes).
    /// </summary>
    public bool TryRead(ref SequenceReader<byte> reader, out WebSocketControlFrame frame)
    {
        frame = default;
        while (true)
        {
            if (_skip > 0)
            {
                long skipped = Math.Min(_skip, reader.Remaining);
                reader.Advance(skipped);
                _skip -= skipped;
                if (_skip > 0)
                {
                    return false;
                }
            }

            long start = reader.Consumed;
            if (!TryReadHeader(ref reader, out var opcode, out long length, out uint mask))
            {
                reader.Rewind(reader.Consumed - start);
                return false;
            }

            if (opcode is WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong)
            {
                if (reader.Remaining < length)
                {
                    reader.Rewind(reader.Consumed - start);
                    return false;
                }

                var payload = new byte[length];
                reader.TryCopyTo(payload);
                reader.Advance(length);
                Unmask(payload, mask);
                frame = new WebSocketControlFrame(opcode, payload);
                return true;
            }

            _skip = length;
        }
    }

    private static bool TryReadHeader(ref SequenceReader<byte> reader, out WebSocketOpcode opcode, out long length, out uint mask)
    {
        opcode = default;
        length = 0;
        mask = 0;
        if (!reader.TryRead(out byte b0) || !reader.TryRead(out byte b1))
        {
            return false;
        }

        if ((b0 & 0x70) != 0)
        {
            throw Protocol("reserved bits set (no extension was negotiated)");
        }

        bool fin = (b0 & 0x80) != 0;
        opcode = (WebSocketOpcode)(b0 & 0x0F);
        if (opcode is not (WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary
            or WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong))
        {
            throw Protocol($"unknown opcode 0x{(int)opcode:X}");
        }

        if ((b1 & 0x80) == 0)
        {
            throw Protocol("unmasked frame from the client");
        }

        length = b1 & 0x7F;
        bool isControl = opcode >= WebSocketOpcode.Close;
        if (isControl && (!fin || length > MaxControlPayload))
        {
            throw Protocol($"control frame {opcode} fragmented or longer than {MaxControlPayload} bytes");
        }

        if (length == 126)
        {
            if (!reader.TryReadBigEndian(out short extended))
            {
                return false;
            }

            length = (ushort)extended;
        }
        else if (length == 127)
        {
            if (!reader.TryReadBigEndian(out long extended))
            {
                return false;
            }

            if (extended < 0)
            {
                throw Protocol("64-bit length with the top bit set");
            }

            length = extended;
        }

        if (!reader.TryReadBigEndian(out int maskKey))
        {
            return false;
        }

        mask = (uint)maskKey;
        return true;
    }

    private static void Unmask(Span<byte> payload, uint mask)
    {
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, mask);
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] ^= key[i & 3];
        }
    }

    private static WebSocketException Protocol(string message) =>
        new(WebSocketError.Faulted, "WebSocket protocol error: " + message);
}
