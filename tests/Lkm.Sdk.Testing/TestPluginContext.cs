using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Testing;

/// <summary>
/// The slice of the host a plugin sees, for starting one plugin in a test: real TCP listeners (bind
/// <c>127.0.0.1</c> port 0 for a free port), HTTP suffix handlers and trans stream factories recorded for the test
/// to call, a dictionary config and a collecting logger.
/// </summary>
/// <remarks>
/// HTTP suffixes are recorded, not served: a test that needs HTTP puts its own server (e.g. Kestrel on port 0) in
/// front of <see cref="HttpSuffixes"/>, the way the host routes paths by suffix.
/// </remarks>
public sealed class TestPluginContext : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<Listener> _listeners = [];
    private readonly List<TestUdpListener> _udpListeners = [];
    private readonly ConcurrentDictionary<string, IPEndPoint> _endPoints = new(StringComparer.Ordinal);
    private volatile IPEndPoint? _boundEndPoint;

    /// <summary>A context over <paramref name="hub"/> with the plugin's config section <paramref name="section"/> holding <paramref name="config"/>.</summary>
    public TestPluginContext(IStreamHub hub, IReadOnlyDictionary<string, object>? config = null, string section = "plugin")
    {
        Hub = hub;
        Settings = new TestPluginConfig(config, section);
    }

    /// <summary>The config as given to the plugin, with the keys it read.</summary>
    public TestPluginConfig Settings { get; }

    /// <inheritdoc/>
    public IPluginConfig Config => Settings;

    /// <summary>Every line the plugin logged.</summary>
    public TestLoggerFactory Logs { get; } = new();

    /// <inheritdoc/>
    public ILoggerFactory LoggerFactory => Logs;

    /// <inheritdoc/>
    public IStreamHub Hub { get; }

    /// <inheritdoc/>
    public CancellationToken ShuttingDown => _shutdown.Token;

    /// <summary>Handlers the plugin mapped with <see cref="MapHttpSuffix"/>, by suffix (case-insensitive).</summary>
    public ConcurrentDictionary<string, Func<HttpContext, string, Task>> HttpSuffixes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Factories the plugin registered, in order.</summary>
    public List<ITransStreamFactory> TransStreamFactories { get; } = [];

    /// <summary>The end point the last <see cref="ListenTcp"/> bound (with the real port when port 0 was asked for).</summary>
    public IPEndPoint? BoundEndPoint => _boundEndPoint;

    /// <summary>Bound end points by listener name.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> ListenerEndPoints => _endPoints;

    /// <summary>Sockets handed to the plugin, in accept order.</summary>
    public ConcurrentQueue<Socket> AcceptedSockets { get; } = new();

    /// <summary>Connection handler tasks; each should end without throwing.</summary>
    public ConcurrentQueue<Task> Connections { get; } = new();

    /// <inheritdoc/>
    public IAsyncDisposable ListenTcp(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endPoints[name] = bound;
        _boundEndPoint = bound;
        var listener = new Listener(socket, this, onConnection);
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        return listener;
    }

    /// <summary>UDP listeners the plugin opened, by name.</summary>
    public ConcurrentDictionary<string, IUdpListener> UdpListeners { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IUdpListener ListenUdp(string name, IPEndPoint endPoint, UdpDatagramHandler onDatagram, int maxDatagramSize = 65507)
    {
        var listener = new TestUdpListener(endPoint, onDatagram, ShuttingDown, maxDatagramSize);
        UdpListeners[name] = listener;
        _endPoints[name] = listener.LocalEndPoint;
        lock (_udpListeners)
        {
            _udpListeners.Add(listener);
        }

        return listener;
    }

    /// <inheritdoc/>
    public void MapHttpSuffix(string pathSuffix, Func<HttpContext, string, Task> handler)
    {
        if (!HttpSuffixes.TryAdd(pathSuffix, handler))
        {
            throw new InvalidOperationException($"HTTP suffix {pathSuffix} is mapped twice");
        }
    }

    /// <summary>API calls the plugin mapped with <see cref="MapApi"/>, by path (case-insensitive); a test calls them directly.</summary>
    public ConcurrentDictionary<string, PluginApiHandler> ApiCalls { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Play URL templates the plugin added, by name, as given (placeholders left in).</summary>
    public ConcurrentDictionary<string, string> PlayUrls { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Port pools the plugin created, by name.</summary>
    public ConcurrentDictionary<string, PortPool> PortPools { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IPortPool CreatePortPool(string name, int first, int last) => PortPools.GetOrAdd(name, _ => new PortPool(name, first, last));

    /// <inheritdoc/>
    public void MapApi(string path, PluginApiHandler handler)
    {
        if (!ApiCalls.TryAdd(path.Trim('/'), handler))
        {
            throw new InvalidOperationException($"API call {path} is mapped twice");
        }
    }

    /// <inheritdoc/>
    public void AddPlayUrl(string name, string template) => PlayUrls[name] = template;

    /// <inheritdoc/>
    public string PublicAddress { get; init; } = "127.0.0.1";

    /// <summary>The HTTP port <c>{http_port}</c> stands for in <see cref="GetPlayUrls"/>.</summary>
    public int HttpPort { get; init; } = 8080;

    /// <inheritdoc/>
    public IReadOnlyList<string> GetPlayUrls(string streamId) =>
        [.. PlayUrls.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value
            .Replace("{host}", PublicAddress, StringComparison.Ordinal)
            .Replace("{http_port}", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{id}", streamId, StringComparison.Ordinal))];

    /// <inheritdoc/>
    public void AddTransStreamFactory(ITransStreamFactory factory)
    {
        lock (TransStreamFactories)
        {
            TransStreamFactories.Add(factory);
        }
    }

    /// <summary>
    /// Starts <paramref name="plugin"/> as the host does: <see cref="IProtocolPlugin.Configure"/> with <see cref="Config"/>,
    /// refused (see <see cref="TestPluginConfig.ThrowIfErrors"/>) when the section has errors, then <see cref="IProtocolPlugin.StartAsync"/>.
    /// </summary>
    public async Task StartAsync(IProtocolPlugin plugin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        plugin.Configure(Settings);
        Settings.ThrowIfErrors();
        await plugin.StartAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The handler mapped for the suffix <paramref name="path"/> ends with, or null (as the host routes HTTP paths).</summary>
    public Func<HttpContext, string, Task>? FindHttpHandler(string path) =>
        HttpSuffixes.FirstOrDefault(pair => path.EndsWith(pair.Key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Signals <see cref="ShuttingDown"/>, as the host does when it stops.</summary>
    public void ShutDown() => _shutdown.Cancel();

    /// <summary>Waits until every connection handler returned; rethrows what escaped one.</summary>
    public async Task WhenConnectionsEndedAsync(TimeSpan timeout) => await Task.WhenAll(Connections).WaitAsync(timeout);

    /// <summary>Signals shutdown, closes the listeners and waits (up to 5 s) for the connection handlers.</summary>
    public async ValueTask DisposeAsync()
    {
        _shutdown.Cancel();
        List<Listener> listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync();
        }

        List<TestUdpListener> udpListeners;
        lock (_udpListeners)
        {
            udpListeners = [.. _udpListeners];
        }

        foreach (var listener in udpListeners)
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
            var shuttingDown = owner.ShuttingDown;
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
                    owner.Connections.Enqueue(Task.Run(() => onConnection(accepted, shuttingDown)));
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            _socket.Dispose();
            await _acceptLoop;
        }
    }

    /// <summary>A real UDP socket with the host's receive loop: one datagram at a time into one buffer.</summary>
    private sealed class TestUdpListener : IUdpListener
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _receiveLoop;

        public TestUdpListener(IPEndPoint endPoint, UdpDatagramHandler onDatagram, CancellationToken shuttingDown, int maxDatagramSize)
        {
            _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                _socket.Bind(endPoint);
            }
            catch
            {
                _socket.Dispose();
                throw;
            }

            LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
            _receiveLoop = Task.Run(async () =>
            {
                // One byte more, as the host: a longer datagram is dropped whole, never handed on cut.
                var buffer = new byte[maxDatagramSize + 1];
                var remote = new SocketAddress(endPoint.AddressFamily);
                while (!_stop.IsCancellationRequested)
                {
                    int length;
                    try
                    {
                        length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, remote, _stop.Token);
                    }
                    catch (Exception) when (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (SocketException)
                    {
                        continue;
                    }

                    if (length > maxDatagramSize)
                    {
                        continue;
                    }

                    // As the host does: a handler that throws is counted, the port keeps serving.
                    try
                    {
                        await onDatagram(buffer.AsMemory(0, length), remote, shuttingDown);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        HandlerErrors.Enqueue(ex);
                    }
                }
            });
        }

        public IPEndPoint LocalEndPoint { get; }

        public ConcurrentQueue<Exception> HandlerErrors { get; } = new();

        public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken) =>
            ValueTaskOfIntToValueTask(_socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken));

        public async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
            _socket.Dispose();
            await _receiveLoop;
        }

        private static async ValueTask ValueTaskOfIntToValueTask(ValueTask<int> send) => await send;
    }
}
