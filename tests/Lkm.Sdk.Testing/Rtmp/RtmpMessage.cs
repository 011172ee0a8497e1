namespace Lkm.Sdk.Testing.Rtmp;

/// <summary>A whole RTMP message as <see cref="RtmpChunkDecoder"/> reassembled it (payload copied out).</summary>
/// <param name="Csid">Chunk stream id it arrived on.</param>
/// <param name="Type">Message type id.</param>
/// <param name="Timestamp">Absolute timestamp (ms), deltas applied.</param>
/// <param name="StreamId">Message stream id.</param>
/// <param name="Payload">The message body.</param>
public sealed record RtmpMessage(int Csid, RtmpMessageType Type, uint Timestamp, int StreamId, byte[] Payload)
{
    /// <summary>A short description for test output.</summary>
    public override string ToString() => $"csid {Csid} type {Type} ts {Timestamp} sid {StreamId} len {Payload.Length}";
}
