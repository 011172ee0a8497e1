namespace Lkm.Bench.Rtmp;

/// <summary>The RTMP chunk stream a client received is malformed (or exceeds what the bench accepts).</summary>
public sealed class RtmpChunkFormatException(string message) : Exception(message);
