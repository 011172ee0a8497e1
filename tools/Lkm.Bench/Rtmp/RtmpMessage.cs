namespace Lkm.Bench.Rtmp;

/// <summary>
/// A complete RTMP message. <see cref="Body"/> is the whole body for control/command/data messages and
/// empty for media (which is never buffered); <see cref="Prefix"/> holds the first bytes of every message
/// (enough for a video key-frame check, also inside an aggregate). Both are valid only during the callback.
/// </summary>
public readonly ref struct RtmpMessage
{
    public RtmpMessage(int chunkStreamId, byte typeId, uint streamId, uint timestamp, int length, ReadOnlySpan<byte> body, ReadOnlySpan<byte> prefix)
    {
        ChunkStreamId = chunkStreamId;
        TypeId = typeId;
        StreamId = streamId;
        Timestamp = timestamp;
        Length = length;
        Body = body;
        Prefix = prefix;
    }

    public int ChunkStreamId { get; }

    public byte TypeId { get; }

    public uint StreamId { get; }

    public uint Timestamp { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Body { get; }

    public ReadOnlySpan<byte> Prefix { get; }
}
