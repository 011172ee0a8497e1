namespace Lkm.Sdk.WebSockets;

/// <summary>A control frame from the client: a ping to answer, a pong, or its close (payload unmasked, at most 125 bytes).</summary>
public readonly record struct WebSocketControlFrame(WebSocketOpcode Opcode, byte[] Payload);
