using System.Buffers;

namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>
/// One reassembled RTMP message. <see cref="Payload"/> points either into the connection's read
/// buffer or into the chunk reader's per-chunk-stream buffer: it is valid until the next call to
/// <see cref="RtmpChunkReader.TryReadMessage"/> and until the read buffer is advanced.
/// </summary>
public readonly struct RtmpMessage
{
    public RtmpMessage(int chunkStreamId, RtmpMessageType type, uint timestamp, int streamId, ReadOnlySequence<byte> payload)
    {
        ChunkStreamId = chunkStreamId;
        Type = type;
        Timestamp = timestamp;
        StreamId = streamId;
        Payload = payload;
    }

    public int ChunkStreamId { get; }

    public RtmpMessageType Type { get; }

    /// <summary>Absolute timestamp in ms, modulo 2^32 (RTMP timestamps wrap).</summary>
    public uint Timestamp { get; }

    /// <summary>Message stream id (0 for connection-level messages).</summary>
    public int StreamId { get; }

    public ReadOnlySequence<byte> Payload { get; }

    public int Length => (int)Payload.Length;
}
