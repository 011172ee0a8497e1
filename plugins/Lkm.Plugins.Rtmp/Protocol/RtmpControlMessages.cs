using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>Writes protocol control and user control messages (chunk stream 2, message stream 0).</summary>
public static class RtmpControlMessages
{
    public static void WriteSetChunkSize(IBufferWriter<byte> output, int chunkSize, int outputChunkSize) =>
        WriteUInt32Message(output, RtmpMessageType.SetChunkSize, (uint)chunkSize, outputChunkSize);

    public static void WriteAcknowledgement(IBufferWriter<byte> output, uint sequenceNumber, int outputChunkSize) =>
        WriteUInt32Message(output, RtmpMessageType.Acknowledgement, sequenceNumber, outputChunkSize);

    public static void WriteWindowAckSize(IBufferWriter<byte> output, uint windowSize, int outputChunkSize) =>
        WriteUInt32Message(output, RtmpMessageType.WindowAckSize, windowSize, outputChunkSize);

    /// <summary>Limit type: 0 = hard, 1 = soft, 2 = dynamic.</summary>
    public static void WriteSetPeerBandwidth(IBufferWriter<byte> output, uint windowSize, byte limitType, int outputChunkSize)
    {
        Span<byte> payload = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(payload, windowSize);
        payload[4] = limitType;
        RtmpChunkWriter.WriteMessage(output, RtmpChunkWriter.ControlChunkStream, RtmpMessageType.SetPeerBandwidth, 0, 0, payload, outputChunkSize);
    }

    /// <summary>A user control event with one 4-byte value (stream id for StreamBegin/EOF, timestamp for pings).</summary>
    public static void WriteUserControl(IBufferWriter<byte> output, UserControlEvent eventType, uint value, int outputChunkSize)
    {
        Span<byte> payload = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)eventType);
        BinaryPrimitives.WriteUInt32BigEndian(payload[2..], value);
        RtmpChunkWriter.WriteMessage(output, RtmpChunkWriter.ControlChunkStream, RtmpMessageType.UserControl, 0, 0, payload, outputChunkSize);
    }

    private static void WriteUInt32Message(IBufferWriter<byte> output, RtmpMessageType type, uint value, int outputChunkSize)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        RtmpChunkWriter.WriteMessage(output, RtmpChunkWriter.ControlChunkStream, type, 0, 0, payload, outputChunkSize);
    }
}
