using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>A small host for one plugin: real TCP listeners on 127.0.0.1, a config dictionary, a collecting logger.</summary>
internal sealed class TestPluginContext : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<Listener> _listeners = [];

    public TestPluginContext(IStreamHub hub, IReadOnlyDictionary<string, object> config)
    {
        Hub = hub;
        Config = new TestPluginConfig(config);
    }

    public IPluginConfig Config { get; }

    public TestLoggerFactory Logs { get; } = new();

    public ILoggerFactory LoggerFactory => Logs;

    public IStreamHub Hub { get; }


    public CancellationToken ShuttingDown => _shutdown.Token;

    public List<ITransStreamFactory> TransStreamFactories { get; } = [];

    public IPEndPoint? BoundEndPoint { get; private set; }

    /// <summary>Sockets handed to the plugin, in accept order.</summary>
    public ConcurrentQueue<Socket> AcceptedSockets { get; } = new();

    /// <summary>Connection handler tasks; each must end without throwing.</summary>
    public ConcurrentQueue<Task> Connections { get; } = new();

    public IAsyncDisposable ListenTcp(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endPoint);
        socket.Listen(64);
        BoundEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        var listener = new Listener(socket, this, onConnection);
        _listeners.Add(listener);
        return listener;
    }

    public void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler) => throw new NotSupportedException();

    public void AddTransStreamFactory(ITransStreamFactory factory) => TransStreamFactories.Add(factory);

    /// <summary>Waits until every connection handler returned; rethrows what escaped one.</summary>
    public async Task WhenConnectionsEndedAsync(TimeSpan timeout) => await Task.WhenAll(Connections).WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        _shutdown.Cancel();
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }

        try
        {
            await Task.WhenAll(Connections).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        _shutdown.Dispose();
    }

    private sealed class Listener : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly Task _acceptLoop;

        public Listener(Socket socket, TestPluginContext owner, Func<Socket, CancellationToken, Task> onConnection)
        {
            _socket = socket;
            _acceptLoop = Task.Run(async () =>
            {
                while (true)
                {
                    Socket accepted;
                    try
                    {
                        accepted = await socket.AcceptAsync();
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                    {
                        return;
                    }

                    owner.AcceptedSockets.Enqueue(accepted);
                    owner.Connections.Enqueue(Task.Run(() => onConnection(accepted, owner.ShuttingDown)));
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            _socket.Dispose();
            await _acceptLoop;
        }
    }
}

internal sealed class TestPluginConfig(IReadOnlyDictionary<string, object> values) : IPluginConfig
{
    public T Get<T>(string key, T defaultValue) => values.TryGetValue(key, out var value) ? (T)value : defaultValue;

    public IReadOnlyList<string> GetList(string key) => values.TryGetValue(key, out var value) ? (IReadOnlyList<string>)value : [];

    public Exception Error(string key, string message) => new ArgumentException($"rtmp.{key} {message}", key);
}
