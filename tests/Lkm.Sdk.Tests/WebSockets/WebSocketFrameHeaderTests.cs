using System.Buffers.Binary;
using System.Text;
using Lkm.Sdk.WebSockets;

namespace Lkm.Sdk.Tests.WebSockets;

public class WebSocketFrameHeaderTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a server frame header as a client would (RFC 6455 5.2): final bit, opcode, no mask, length.</summary>
    private static (bool Fin, int Opcode, bool Masked, long Length, int HeaderLength) Parse(ReadOnlySpan<byte> header)
    {
        bool fin = (header[0] & 0x80) != 0;
        Assert.Equal(0, header[0] & 0x70); // no reserved bit
        int length7 = header[1] & 0x7F;
        return length7 switch
        {
            126 => (fin, header[0] & 0x0F, (header[1] & 0x80) != 0, BinaryPrimitives.ReadUInt16BigEndian(header[2..]), 4),
            127 => (fin, header[0] & 0x0F, (header[1] & 0x80) != 0, (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]), 10),
            _ => (fin, header[0] & 0x0F, (header[1] & 0x80) != 0, length7, 2),
        };
    }

    [Theory]
    [InlineData(0L, 2)]
    [InlineData(1L, 2)]
    [InlineData(125L, 2)]
    [InlineData(126L, 4)]
    [InlineData(65_535L, 4)]
    [InlineData(65_536L, 10)]
    [InlineData(1L << 32, 10)]
    [InlineData(long.MaxValue, 10)]
    public void HeaderUsesTheShortestLengthForm(long payloadLength, int expectedLength)
    {
        var header = new byte[WebSocketFrameHeader.MaxLength];

        int length = WebSocketFrameHeader.Write(header, WebSocketOpcode.Binary, payloadLength);

        Assert.Equal(expectedLength, length);
        var parsed = Parse(header);
        Assert.True(parsed.Fin);
        Assert.Equal((int)WebSocketOpcode.Binary, parsed.Opcode);
        Assert.False(parsed.Masked); // a server never masks (RFC 6455 5.1)
        Assert.Equal(payloadLength, parsed.Length);
        Assert.Equal(length, parsed.HeaderLength);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Text, 0x81)]
    [InlineData(WebSocketOpcode.Binary, 0x82)]
    [InlineData(WebSocketOpcode.Close, 0x88)]
    [InlineData(WebSocketOpcode.Ping, 0x89)]
    [InlineData(WebSocketOpcode.Pong, 0x8A)]
    public void FirstByteIsFinalWithTheOpcode(WebSocketOpcode opcode, byte expected)
    {
        var header = new byte[WebSocketFrameHeader.MaxLength];
        Assert.Equal(2, WebSocketFrameHeader.Write(header, opcode, 5));
        Assert.Equal([expected, 5], header[..2]);
    }

    [Fact]
    public void HeaderWritesOnlyItsOwnBytes()
    {
        var buffer = Enumerable.Repeat((byte)0xEE, 16).ToArray();
        int length = WebSocketFrameHeader.Write(buffer, WebSocketOpcode.Binary, 300);
        Assert.Equal([0x82, 126, 0x01, 0x2C], buffer[..length]);
        Assert.All(buffer[length..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void NegativeLengthIsRefused()
    {
        var header = new byte[WebSocketFrameHeader.MaxLength];
        Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketFrameHeader.Write(header, WebSocketOpcode.Binary, -1));
    }

    [Theory]
    [InlineData((ushort)1000, "")]
    [InlineData((ushort)1001, "server shutting down")]
    [InlineData((ushort)1002, "WebSocket protocol error: unmasked frame from the client")]
    public void CloseFrameCarriesStatusAndReason(ushort status, string reason)
    {
        var frame = WebSocketFrameHeader.CloseFrame(status, reason);

        var parsed = Parse(frame);
        Assert.True(parsed.Fin);
        Assert.Equal((int)WebSocketOpcode.Close, parsed.Opcode);
        Assert.False(parsed.Masked);
        Assert.Equal(frame.Length - 2, parsed.Length);
        Assert.Equal(status, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)));
        Assert.Equal(reason, StrictUtf8.GetString(frame.AsSpan(4)));
    }

    [Fact]
    public void CloseFrameWithoutReasonIsStatusOnly()
    {
        Assert.Equal([0x88, 2, 0x03, 0xE8], WebSocketFrameHeader.CloseFrame(1000, null!));
    }

    [Fact]
    public void LongReasonIsCutToFitAControlFrame()
    {
        var frame = WebSocketFrameHeader.CloseFrame(1000, new string('x', 500));

        Assert.Equal(2 + 125, frame.Length);
        Assert.Equal(125, Parse(frame).Length);
        Assert.Equal(new string('x', 123), Encoding.ASCII.GetString(frame.AsSpan(4)));
    }

    [Theory]
    [InlineData("é", 62)] // 2 bytes each: 124 bytes, the cut at 123 falls inside the 62nd
    [InlineData("€", 41)] // 3 bytes each: 123 bytes, fits exactly
    [InlineData("€", 42)] // 126 bytes: the cut falls inside the 42nd
    [InlineData("😀", 31)] // 4 bytes each (a surrogate pair): 124 bytes
    [InlineData("a€", 40)] // 4 bytes per pair, 160 in all: the cut at 123 falls inside the 31st €
    public void CutReasonIsStillValidUtf8(string unit, int repeat)
    {
        // RFC 6455 5.5.1: the reason is UTF-8; a client fails the connection on invalid UTF-8 (1007) instead of reading it.
        string reason = string.Concat(Enumerable.Repeat(unit, repeat));

        var frame = WebSocketFrameHeader.CloseFrame(1002, reason);

        Assert.InRange(frame.Length, 4, 2 + 125);
        Assert.Equal(frame.Length - 2, Parse(frame).Length);
        string decoded = StrictUtf8.GetString(frame.AsSpan(4));
        Assert.StartsWith(decoded, reason, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(decoded) > 119, "no more was cut than one character");
    }
}
