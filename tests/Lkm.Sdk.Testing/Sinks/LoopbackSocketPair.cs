using System.Net;
using System.Net.Sockets;

namespace Lkm.Sdk.Testing.Sinks;

/// <summary>Two ends of one TCP connection on 127.0.0.1: the server's (a player's socket as a plugin gets it) and the client's.</summary>
public static class LoopbackSocketPair
{
    /// <summary>Connects a client to a fresh listener on a free port and returns both ends.</summary>
    public static async Task<(Socket Server, Socket Client)> CreateAsync(CancellationToken cancellationToken = default)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptAsync(cancellationToken);
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken).ConfigureAwait(false);
        var server = await accepting.ConfigureAwait(false);
        server.NoDelay = true;
        return (server, client);
    }
}
