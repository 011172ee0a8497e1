using System.Net;
using System.Net.Sockets;
using Lkm.Host.Networking;
using Lkm.Host.Streaming;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Plugins;

/// <summary>
/// What one plugin instance was given, and what it registered (listeners, HTTP suffixes, trans
/// stream factories), so the host can take it all back when the plugin stops.
/// </summary>
public sealed class PluginContext : IPluginContext
{
    private readonly HttpSuffixRouter _router;
    private readonly TransStreamRegistry _registry;
    private readonly IPAddress _listenAddress;
    private readonly List<TcpListenerService> _listeners = [];
    private readonly List<(string Suffix, Func<HttpContext, string, Task> Handler)> _routes = [];
    private readonly List<ITransStreamFactory> _factories = [];

    public PluginContext(PluginConfig config, ILoggerFactory loggerFactory, IStreamHub hub, HttpSuffixRouter router, TransStreamRegistry registry, IPAddress listenAddress, CancellationToken shuttingDown)
    {
        Config = config;
        PluginConfig = config;
        LoggerFactory = loggerFactory;
        Hub = hub;
        _router = router;
        _registry = registry;
        _listenAddress = listenAddress;
        ShuttingDown = shuttingDown;
    }

    public IPluginConfig Config { get; }

    public PluginConfig PluginConfig { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IStreamHub Hub { get; }

    public CancellationToken ShuttingDown { get; }

    public IReadOnlyList<TcpListenerService> Listeners => _listeners;

    public IAsyncDisposable ListenTcp(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection)
    {
        // A plugin that binds "any" gets the server's configured listen address.
        if (endPoint.Address.Equals(IPAddress.Any) && !_listenAddress.Equals(IPAddress.Any))
        {
            endPoint = new IPEndPoint(_listenAddress, endPoint.Port);
        }

        var listener = new TcpListenerService(name, endPoint, onConnection, null, LoggerFactory.CreateLogger("Lkm.Listener"), ShuttingDown);
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        return listener;
    }

    public IUdpListener ListenUdp(string name, IPEndPoint endPoint, UdpDatagramHandler onDatagram) => throw new NotSupportedException("udp: not yet");

    public void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler)
    {
        _router.Map(pathSuffix, handler);
        _routes.Add((pathSuffix, handler));
    }

    public void AddTransStreamFactory(ITransStreamFactory factory)
    {
        _registry.Register(factory);
        _factories.Add(factory);
    }

    /// <summary>Takes back what the plugin registered: no new connections or players reach it.</summary>
    public async Task ReleaseAsync()
    {
        foreach (var (suffix, handler) in _routes)
        {
            _router.Unmap(suffix, handler);
        }

        List<TcpListenerService> listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
            _listeners.Clear();
        }

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Trans stream factories stay until the plugin is unloaded: running streams still mux with them.</summary>
    public void UnregisterFactories()
    {
        foreach (var factory in _factories)
        {
            _registry.Unregister(factory);
        }
    }
}
