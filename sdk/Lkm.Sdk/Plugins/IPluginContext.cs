using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Plugins;

/// <summary>What the host gives a plugin.</summary>
public interface IPluginContext
{
    /// <summary>The plugin's section of lkm.yaml, the one <see cref="IProtocolPlugin.Configure"/> read; its errors were reported before start.</summary>
    IPluginConfig Config { get; }

    /// <summary>Creates the plugin's loggers; their lines go to the host's log.</summary>
    ILoggerFactory LoggerFactory { get; }

    /// <summary>The stream engine: publish ingested streams into it, attach players to it.</summary>
    IStreamHub Hub { get; }

    /// <summary>
    /// Listens on TCP; the host owns the listening socket (so a new plugin version can take it over)
    /// and calls <paramref name="onConnection"/> for each accepted socket. The plugin owns the socket.
    /// </summary>
    IAsyncDisposable ListenTcp(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection);

    /// <summary>
    /// Listens on UDP; the host owns the socket (so a new plugin version can take it over), runs its receive loop
    /// and calls <paramref name="onDatagram"/> for each datagram, one at a time. A handler that throws is logged
    /// and the loop goes on with the next datagram.
    /// </summary>
    IUdpListener ListenUdp(string name, IPEndPoint endPoint, UdpDatagramHandler onDatagram);

    /// <summary>
    /// Serves HTTP requests (and WebSocket upgrades) on the host's HTTP port whose path ends with
    /// <paramref name="pathSuffix"/> (e.g. <c>.flv</c>). The handler gets the path without the leading '/'.
    /// </summary>
    void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler);

    /// <summary>Registers the muxer of an egress protocol: players whose <see cref="ISink.TransProtocol"/> is <see cref="ITransStreamFactory.Protocol"/> get segments from trans streams it creates.</summary>
    void AddTransStreamFactory(ITransStreamFactory factory);

    /// <summary>Cancelled when the host shuts down.</summary>
    CancellationToken ShuttingDown { get; }
}
