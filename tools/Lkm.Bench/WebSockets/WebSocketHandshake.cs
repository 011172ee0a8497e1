using System.Security.Cryptography;
using System.Text;

namespace Lkm.Bench.WebSockets;

/// <summary>The client half of the RFC 6455 opening handshake.</summary>
public static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static string CreateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    public static string ExpectedAccept(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    public static string Request(string pathAndQuery, string host, string key) =>
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Lkm.Bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
}
