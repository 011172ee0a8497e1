using System.Security.Cryptography;
using System.Text;

namespace Lkm.Sdk.WebSockets;

/// <summary>The server side of the opening handshake (RFC 6455 4.2.2).</summary>
public static class WebSocketHandshake
{
    private const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a client's <c>Sec-WebSocket-Key</c>.</summary>
    public static string AcceptKey(string clientKey)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        return Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(clientKey.Trim() + KeyGuid)));
    }
}
