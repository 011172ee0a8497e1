namespace Lkm.Bench.Rtmp;

/// <summary>Receives what <see cref="RtmpChunkParser"/> finds.</summary>
public interface IRtmpMessageHandler
{
    /// <summary>Payload bytes of an audio/video/aggregate message arrived (as they arrive, chunk by chunk).</summary>
    void OnMediaPayload(byte typeId, int count);

    /// <summary>A message is complete. Set Chunk Size and Abort were already applied by the parser.</summary>
    void OnMessage(in RtmpMessage message);
}
