using System.Buffers.Binary;

namespace Lkm.Sdk.WebSockets;

/// <summary>Headers of the frames a server sends (RFC 6455 5.2): final, unmasked.</summary>
public static class WebSocketFrameHeader
{
    /// <summary>The longest header: 2 bytes, then a 64-bit length.</summary>
    public const int MaxLength = 10;

    /// <summary>Writes the header of a final, unmasked frame of <paramref name="payloadLength"/> bytes; returns its length.</summary>
    public static int Write(Span<byte> destination, WebSocketOpcode opcode, long payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        destination[0] = (byte)(0x80 | (byte)opcode);
        if (payloadLength <= 125)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>A whole close frame with <paramref name="status"/> and a reason (cut at a character boundary to fit a control frame's 125 bytes).</summary>
    public static byte[] CloseFrame(ushort status, string reason)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(reason ?? string.Empty);
        int reasonLength = Math.Min(text.Length, 123);
        while (reasonLength < text.Length && reasonLength > 0 && (text[reasonLength] & 0xC0) == 0x80)
        {
            reasonLength--; // never cut inside a character: the reason must stay valid UTF-8 (RFC 6455 5.5.1)
        }

        var frame = new byte[2 + 2 + reasonLength];
        Write(frame, WebSocketOpcode.Close, 2 + reasonLength);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), status);
        text.AsSpan(0, reasonLength).CopyTo(frame.AsSpan(4));
        return frame;
    }
}
