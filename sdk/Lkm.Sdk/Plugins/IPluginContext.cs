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
    /// and the loop goes on with the next datagram. The port has one receive buffer of <paramref name="maxDatagramSize"/>
    /// bytes, held for its life: a protocol whose datagrams are small (RTP: MTU-sized) asks for less than the UDP
    /// maximum so thousands of ports stay cheap; a longer datagram is dropped and counted.
    /// </summary>
    IUdpListener ListenUdp(string name, IPEndPoint endPoint, UdpDatagramHandler onDatagram, int maxDatagramSize = 65507);

    /// <summary>
    /// The port pool <paramref name="name"/> of this plugin over <paramref name="first"/>..<paramref name="last"/>: created
    /// on first use and kept by the host across versions of the plugin (the same name gives the same pool, its
    /// rented ports still rented; a changed range applies to the next rents).
    /// </summary>
    IPortPool CreatePortPool(string name, int first, int last);

    /// <summary>
    /// Serves HTTP requests (and WebSocket upgrades) on the host's HTTP port whose path ends with
    /// <paramref name="pathSuffix"/> (e.g. <c>.flv</c>). The handler gets the path without the leading '/'.
    /// </summary>
    void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler);

    /// <summary>
    /// Serves the plugin's API call <c>/api/v1/&lt;plugin name&gt;/<paramref name="path"/></c> (e.g. <c>source/create</c>), GET and
    /// POST, behind the host's API token, with the host's parameter reading and response envelope.
    /// </summary>
    void MapApi(string path, PluginApiHandler handler);

    /// <summary>
    /// Tells the host how players reach a stream over this plugin's egress, so the API and the console list every
    /// egress without knowing protocols: <paramref name="template"/> with <c>{host}</c> (the address players use),
    /// <c>{http_port}</c> (the host's HTTP port), <c>{id}</c> (the stream id) and <c>{port:&lt;listener name&gt;}</c> (the port a
    /// listener of this plugin got; call <see cref="ListenTcp"/> first), e.g. <c>rtmp://{host}:{port:rtmp}/{id}</c> or
    /// <c>http://{host}:{http_port}/{id}.flv</c>. <paramref name="name"/> labels it (<c>RTMP</c>); a newer version's replaces it.
    /// </summary>
    void AddPlayUrl(string name, string template);

    /// <summary>The address clients reach the server at (<c>server.public_ip</c>), for answers that name it (e.g. the <c>ip</c> a GB28181 device sends to).</summary>
    string PublicAddress { get; }

    /// <summary>Every egress URL of stream <paramref name="streamId"/> (the templates of <see cref="AddPlayUrl"/> of every plugin) at <see cref="PublicAddress"/>.</summary>
    IReadOnlyList<string> GetPlayUrls(string streamId);

    /// <summary>Registers the muxer of an egress protocol: players whose <see cref="ISink.TransProtocol"/> is <see cref="ITransStreamFactory.Protocol"/> get segments from trans streams it creates.</summary>
    void AddTransStreamFactory(ITransStreamFactory factory);

    /// <summary>Cancelled when the host shuts down.</summary>
    CancellationToken ShuttingDown { get; }
}
