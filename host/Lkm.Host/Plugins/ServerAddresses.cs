using System.Net;

namespace Lkm.Host.Plugins;

/// <summary>Where the server listens and how clients reach it, as plugins need it: the bind address of their listeners, the address put in URLs and answers, the HTTP port.</summary>
public sealed record ServerAddresses(IPAddress Listen, string PublicIp, int HttpPort)
{
    /// <summary>Loopback everywhere (tests).</summary>
    public static ServerAddresses Loopback { get; } = new(IPAddress.Loopback, "127.0.0.1", 0);
}
