namespace Lkm.Sdk.WebSockets;

/// <summary>Frame opcodes of RFC 6455, section 5.2.</summary>
public enum WebSocketOpcode : byte
{
    /// <summary>Continues a fragmented message.</summary>
    Continuation = 0x0,
    /// <summary>A text data frame.</summary>
    Text = 0x1,
    /// <summary>A binary data frame.</summary>
    Binary = 0x2,
    /// <summary>Closes the connection.</summary>
    Close = 0x8,
    /// <summary>A ping; the peer answers with a pong.</summary>
    Ping = 0x9,
    /// <summary>A pong.</summary>
    Pong = 0xA,
}
