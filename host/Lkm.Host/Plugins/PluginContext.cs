using System.Net;
using System.Net.Sockets;
using Lkm.Host.Api;
using Lkm.Host.Networking;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Plugins;

/// <summary>
/// What one plugin version was given, and what it registered (listeners, HTTP suffixes, trans stream
/// factories). Registrations made during <see cref="IProtocolPlugin.StartAsync"/> are staged: a port the
/// previous version of the same plugin holds is taken over, and suffixes and factories replace the previous
/// version's, only at <see cref="Commit"/> — so a version that fails to start changes nothing. Ports nobody
/// holds are bound at once (a bind error fails the start). <see cref="ReleaseAsync"/> takes back what is
/// still this version's; what a newer version took over stays with it.
/// </summary>
public sealed class PluginContext : IPluginContext
{
    private readonly LoadedPlugin _owner;
    private readonly HttpSuffixRouter _router;
    private readonly TransStreamRegistry _registry;
    private readonly ListenerTable _table;
    private readonly PluginApiRouter _apis;
    private readonly PlayUrlTemplates _playUrls;
    private readonly PortPoolTable _portPools;
    private readonly IPAddress _listenAddress;
    private readonly ServerAddresses _addresses;
    private readonly CancellationTokenSource _shutdownLink;
    private readonly Lock _gate = new();
    private readonly List<IPluginListener> _listeners = [];
    private readonly List<Action> _pending = [];
    private readonly List<(string Suffix, Func<HttpContext, string, Task> Handler)> _routes = [];
    private readonly List<ITransStreamFactory> _factories = [];
    private readonly List<(string Path, PluginApiHandler Handler)> _apiCalls = [];
    private readonly List<PlayUrlTemplate> _urls = [];
    private bool _committed;

    public PluginContext(LoadedPlugin owner, PluginConfig config, ILoggerFactory loggerFactory, IStreamHub hub, PluginHostParts parts,
        ServerAddresses addresses, CancellationToken shuttingDown)
    {
        _owner = owner;
        Config = config;
        PluginConfig = config;
        LoggerFactory = loggerFactory;
        Hub = new PluginStreamHub(hub, owner);
        _router = parts.Router;
        _registry = parts.TransStreams;
        _table = parts.Listeners;
        _apis = parts.Apis;
        _playUrls = parts.PlayUrls;
        _portPools = parts.PortPools;
        _listenAddress = addresses.Listen;
        _addresses = addresses;

        // The plugin's own link to the host's shutdown: whatever it registers on the token hangs off this source,
        // which is let go at unload, so a forgotten registration cannot keep the unloaded version alive.
        _shutdownLink = CancellationTokenSource.CreateLinkedTokenSource(shuttingDown);
        ShuttingDown = _shutdownLink.Token;
    }

    public IPluginConfig Config { get; }

    /// <summary>The plugin version this context was given to.</summary>
    public LoadedPlugin Owner => _owner;

    public PluginConfig PluginConfig { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IStreamHub Hub { get; }

    public CancellationToken ShuttingDown { get; }

    public string PublicAddress => _addresses.PublicIp;

    public IReadOnlyList<string> GetPlayUrls(string streamId) =>
        [.. _playUrls.For(streamId, _addresses.PublicIp, _addresses.HttpPort).Select(u => u.Url)];

    /// <summary>The ports this version serves now (bound by it or taken over from the version before).</summary>
    public IReadOnlyList<ListenerInfo> Listeners
    {
        get
        {
            lock (_gate)
            {
                return [.. _listeners.Where(l => ReferenceEquals(l.Owner, _owner)).Select(l => new ListenerInfo(l.Name, l.Transport, l.EndPoint))];
            }
        }
    }

    public IAsyncDisposable ListenTcp(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection)
    {
        endPoint = Normalize(endPoint);
        if (_table.Find("tcp", endPoint) is TcpListenerService held && TakesOver(held.Owner))
        {
            Stage(() => held.Retarget(onConnection, _owner), held);
            return new Lease(held, this);
        }

        var listener = new TcpListenerService(name, endPoint, onConnection, _owner, LoggerFactory.CreateLogger("Lkm.Listener"), ShuttingDown);
        Bound(endPoint, listener);
        return new Lease(listener, this);
    }

    public IUdpListener ListenUdp(string name, IPEndPoint endPoint, UdpDatagramHandler onDatagram, int maxDatagramSize = 65507)
    {
        endPoint = Normalize(endPoint);
        if (_table.Find("udp", endPoint) is UdpListenerService held && TakesOver(held.Owner))
        {
            Stage(() => held.Retarget(onDatagram, _owner), held);
            return new UdpLease(held, this);
        }

        var listener = new UdpListenerService(name, endPoint, onDatagram, _owner, LoggerFactory.CreateLogger("Lkm.Listener"), ShuttingDown, maxDatagramSize);
        Bound(endPoint, listener);
        return new UdpLease(listener, this);
    }

    public void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler)
    {
        // Each request is a session of this version while its handler runs (a player's lasts as long as it plays).
        async Task Counted(HttpContext context, string path)
        {
            _owner.SessionStarted();
            CountedSession.Enter();
            try
            {
                await handler(context, path).ConfigureAwait(false);
            }
            finally
            {
                _owner.SessionEnded();
            }
        }

        lock (_gate)
        {
            _routes.Add((pathSuffix, Counted));
            if (!_committed)
            {
                return;
            }
        }

        _router.Map(pathSuffix, Counted);
    }

    public IPortPool CreatePortPool(string name, int first, int last) => _portPools.GetOrCreate(_owner.Name, name, first, last);

    public void MapApi(string path, PluginApiHandler handler)
    {
        string fullPath = PluginApiRouter.FullPath(_owner.Name, path);
        lock (_gate)
        {
            _apiCalls.Add((fullPath, handler));
            if (!_committed)
            {
                return;
            }
        }

        _apis.Map(fullPath, handler);
    }

    public void AddPlayUrl(string name, string template)
    {
        // {port:<listener>} is the port that listener got (port 0 binds a free one): known here, since it listens already.
        lock (_gate)
        {
            foreach (var listener in _listeners)
            {
                template = template.Replace($"{{port:{listener.Name}}}", listener.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }
        }

        var url = new PlayUrlTemplate(name, template);
        lock (_gate)
        {
            _urls.Add(url);
            if (!_committed)
            {
                return;
            }
        }

        _playUrls.Add(url);
    }

    public void AddTransStreamFactory(ITransStreamFactory factory)
    {
        lock (_gate)
        {
            _factories.Add(factory);
            if (!_committed)
            {
                return;
            }
        }

        _registry.Register(factory, _owner);
    }

    /// <summary>
    /// Puts the version in force: it takes over the ports of the version before, and its HTTP suffixes and muxers
    /// replace that version's. From here on a new connection, request or player reaches this version.
    /// </summary>
    public void Commit()
    {
        List<Action> pending;
        List<(string Suffix, Func<HttpContext, string, Task> Handler)> routes;
        List<ITransStreamFactory> factories;
        List<(string Path, PluginApiHandler Handler)> apiCalls;
        List<PlayUrlTemplate> urls;
        lock (_gate)
        {
            _committed = true;
            pending = [.. _pending];
            _pending.Clear();
            routes = [.. _routes];
            factories = [.. _factories];
            apiCalls = [.. _apiCalls];
            urls = [.. _urls];
        }

        foreach (var (path, handler) in apiCalls)
        {
            _apis.Map(path, handler);
        }

        foreach (var url in urls)
        {
            _playUrls.Add(url);
        }

        foreach (var factory in factories)
        {
            _registry.Register(factory, _owner);
        }

        foreach (var (suffix, handler) in routes)
        {
            _router.Map(suffix, handler);
        }

        foreach (var takeOver in pending)
        {
            takeOver();
        }
    }

    /// <summary>
    /// Takes back what is still this version's: no new connection, request or player reaches it. Ports, suffixes
    /// and factories a newer version took over stay with that version.
    /// </summary>
    public async Task ReleaseAsync()
    {
        List<IPluginListener> listeners;
        lock (_gate)
        {
            _pending.Clear();
            listeners = [.. _listeners];
            _listeners.Clear();
        }

        foreach (var (suffix, handler) in _routes)
        {
            _router.Unmap(suffix, handler);
        }

        foreach (var factory in _factories)
        {
            _registry.Unregister(factory);
        }

        foreach (var (path, handler) in _apiCalls)
        {
            _apis.Unmap(path, handler);
        }

        foreach (var url in _urls)
        {
            _playUrls.Remove(url);
        }

        foreach (var listener in listeners)
        {
            await CloseIfMineAsync(listener).ConfigureAwait(false);
        }
    }

    /// <summary>Lets go of the link to the host's shutdown token (at unload).</summary>
    public void DisposeShutdownLink() => _shutdownLink.Dispose();

    /// <summary>True when <paramref name="holder"/> is another version of this plugin: its port is handed over, not bound again.</summary>
    private bool TakesOver(IListenerOwner? holder) =>
        holder is not null && !ReferenceEquals(holder, _owner) && string.Equals(holder.PluginName, _owner.Name, StringComparison.OrdinalIgnoreCase);

    private void Bound(IPEndPoint requested, IPluginListener listener)
    {
        _table.Add(requested, listener);
        lock (_gate)
        {
            _listeners.Add(listener);
        }
    }

    private void Stage(Action takeOver, IPluginListener listener)
    {
        bool now;
        lock (_gate)
        {
            _listeners.Add(listener);
            now = _committed;
            if (!now)
            {
                _pending.Add(takeOver);
            }
        }

        if (now)
        {
            takeOver();
        }
    }

    /// <summary>Closes the port only while this version holds it: one a newer version took over stays open.</summary>
    private async ValueTask CloseIfMineAsync(IPluginListener listener)
    {
        if (ReferenceEquals(listener.Owner, _owner))
        {
            _table.Remove(listener);
            lock (_gate)
            {
                // Per-source ports (GB28181) come and go by the thousand: a closed one leaves the list.
                _listeners.Remove(listener);
            }

            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IPEndPoint Normalize(IPEndPoint endPoint) =>
        // A plugin that binds "any" gets the server's configured listen address.
        endPoint.Address.Equals(IPAddress.Any) && !_listenAddress.Equals(IPAddress.Any) ? new IPEndPoint(_listenAddress, endPoint.Port) : endPoint;

    /// <summary>What the plugin holds for a port: disposing it closes the port if this version still holds it.</summary>
    private class Lease(IPluginListener listener, PluginContext context) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? context.CloseIfMineAsync(listener) : ValueTask.CompletedTask;
    }

    private sealed class UdpLease(UdpListenerService listener, PluginContext context) : Lease(listener, context), IUdpListener
    {
        public IPEndPoint LocalEndPoint => listener.EndPoint;

        public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken) =>
            listener.SendToAsync(datagram, remote, cancellationToken);
    }
}

/// <summary>A port a plugin version serves: its listener's name, <c>tcp</c> or <c>udp</c>, and the bound end point.</summary>
public sealed record ListenerInfo(string Name, string Transport, IPEndPoint EndPoint);
