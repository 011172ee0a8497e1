using System.Net;
using System.Net.Sockets;

namespace Lkm.Testing;

public static class FreePort
{
    /// <summary>A TCP port free on 127.0.0.1 right now (bound to 0 and released), so tests can run in parallel.</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
