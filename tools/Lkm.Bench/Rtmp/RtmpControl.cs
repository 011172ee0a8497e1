using System.Buffers;
using System.Buffers.Binary;
using Lkm.Sdk.Amf;

namespace Lkm.Bench.Rtmp;

/// <summary>Builders for the protocol control, user control and command messages a client sends.</summary>
public static class RtmpControl
{
    public const int ControlChunkStream = 2;
    public const int CommandChunkStream = 3;
    public const int AudioChunkStream = 4;
    public const int DataChunkStream = 5;
    public const int VideoChunkStream = 6;

    public static void SetChunkSize(IBufferWriter<byte> output, int size) => WriteUInt32(output, RtmpMessageType.SetChunkSize, (uint)size);

    public static void WindowAckSize(IBufferWriter<byte> output, uint size) => WriteUInt32(output, RtmpMessageType.WindowAckSize, size);

    public static void Acknowledgement(IBufferWriter<byte> output, uint sequenceNumber) => WriteUInt32(output, RtmpMessageType.Acknowledgement, sequenceNumber);

    /// <summary>User control Set Buffer Length (event 3), as players send after play.</summary>
    public static void SetBufferLength(IBufferWriter<byte> output, uint streamId, uint milliseconds)
    {
        Span<byte> body = stackalloc byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(body, 3);
        BinaryPrimitives.WriteUInt32BigEndian(body[2..], streamId);
        BinaryPrimitives.WriteUInt32BigEndian(body[6..], milliseconds);
        RtmpChunkWriter.WriteMessage(output, ControlChunkStream, RtmpMessageType.UserControl, 0, 0, body, RtmpChunkParser.DefaultChunkSize);
    }

    /// <summary>User control Ping Response (event 7) echoing the server's timestamp.</summary>
    public static void PingResponse(IBufferWriter<byte> output, uint timestamp)
    {
        Span<byte> body = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(body, 7);
        BinaryPrimitives.WriteUInt32BigEndian(body[2..], timestamp);
        RtmpChunkWriter.WriteMessage(output, ControlChunkStream, RtmpMessageType.UserControl, 0, 0, body, RtmpChunkParser.DefaultChunkSize);
    }

    /// <summary>An AMF0 command (type 20) on the command chunk stream.</summary>
    public static void Command(IBufferWriter<byte> output, int chunkSize, uint streamId, params ReadOnlySpan<object?> values)
    {
        var body = new ArrayBufferWriter<byte>(256);
        Amf0.WriteAll(body, values);
        RtmpChunkWriter.WriteMessage(output, CommandChunkStream, RtmpMessageType.CommandAmf0, streamId, 0, body.WrittenSpan, chunkSize);
    }

    private static void WriteUInt32(IBufferWriter<byte> output, byte type, uint value)
    {
        Span<byte> body = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(body, value);
        RtmpChunkWriter.WriteMessage(output, ControlChunkStream, type, 0, 0, body, RtmpChunkParser.DefaultChunkSize);
    }
}
