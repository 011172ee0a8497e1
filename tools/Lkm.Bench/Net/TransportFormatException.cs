namespace Lkm.Bench.Net;

/// <summary>The HTTP response head, chunked framing or WebSocket framing a player received is malformed.</summary>
public sealed class TransportFormatException(string message) : Exception(message);
