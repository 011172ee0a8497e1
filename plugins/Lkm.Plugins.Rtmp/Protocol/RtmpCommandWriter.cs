using System.Buffers;
using Lkm.Sdk.Amf;

namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>Writes AMF0 command and data messages (connect replies, onStatus, |RtmpSampleAccess).</summary>
public static class RtmpCommandWriter
{
    /// <summary>Writes an AMF0 command message (type 20) whose body is <paramref name="values"/> in order.</summary>
    public static void WriteCommand(IBufferWriter<byte> output, int chunkStreamId, int streamId, int outputChunkSize, params ReadOnlySpan<object?> values) =>
        WriteAmf0Message(output, RtmpMessageType.CommandAmf0, chunkStreamId, streamId, outputChunkSize, values);

    /// <summary>Writes an AMF0 data message (type 18).</summary>
    public static void WriteData(IBufferWriter<byte> output, int chunkStreamId, int streamId, int outputChunkSize, params ReadOnlySpan<object?> values) =>
        WriteAmf0Message(output, RtmpMessageType.DataAmf0, chunkStreamId, streamId, outputChunkSize, values);

    /// <summary>Writes <c>onStatus(0, null, {level, code, description})</c> on a message stream.</summary>
    public static void WriteOnStatus(IBufferWriter<byte> output, int streamId, int outputChunkSize, string level, string code, string description)
    {
        var info = new Amf0Object
        {
            { "level", level },
            { "code", code },
            { "description", description },
        };
        WriteCommand(output, RtmpChunkWriter.DataChunkStream, streamId, outputChunkSize, "onStatus", 0.0, null, info);
    }

    private static void WriteAmf0Message(IBufferWriter<byte> output, RtmpMessageType type, int chunkStreamId, int streamId, int outputChunkSize, ReadOnlySpan<object?> values)
    {
        var body = new ArrayBufferWriter<byte>(256);
        foreach (var value in values)
        {
            Amf0.Write(body, value);
        }

        RtmpChunkWriter.WriteMessage(output, chunkStreamId, type, 0, streamId, body.WrittenSpan, outputChunkSize);
    }
}
