using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Networking;

/// <summary>
/// A TCP listener owned by the host on behalf of a plugin: accepts connections and hands each socket
/// to the plugin's callback (which owns it from then on). Disposing stops accepting; live
/// connections are not touched. The callback can be replaced while the socket keeps listening
/// (<see cref="Retarget"/>): a new version of the plugin takes the port over and no connection is refused.
/// </summary>
public sealed partial class TcpListenerService : IPluginListener
{
    private readonly Socket _socket;
    private volatile Target _target;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public TcpListenerService(string name, IPEndPoint endPoint, Func<Socket, CancellationToken, Task> onConnection, IListenerOwner? owner, ILogger logger, CancellationToken shutdown)
    {
        Name = name;
        _target = new Target(onConnection, owner);
        _logger = logger;
        _shutdown = shutdown;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

        // The port must be ours alone. No SocketOptionName.ReuseAddress: on Linux .NET turns it into
        // SO_REUSEPORT, and a second server on the same port would bind silently and take half the
        // connections. .NET already sets plain SO_REUSEADDR on Unix before a TCP bind, so a restart
        // still rebinds while old connections sit in TIME_WAIT. On Windows the default lets another
        // process's SO_REUSEADDR socket steal the port; exclusive use forbids it.
        if (OperatingSystem.IsWindows())
        {
            _socket.ExclusiveAddressUse = true;
        }

        try
        {
            _socket.Bind(endPoint);
            _socket.Listen(1024);
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            if (PortInUseException.IsAddressInUse(ex))
            {
                throw new PortInUseException(name, endPoint, endPoint.Port, null, ex);
            }

            throw new InvalidOperationException($"{name}: cannot listen on {endPoint}: {ex.Message}", ex);
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Log.Listening(_logger, name, EndPoint);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Name { get; }

    public string Transport => "tcp";

    public IPEndPoint EndPoint { get; }

    /// <summary>Whose callback gets the next connection (null: the host's own).</summary>
    public IListenerOwner? Owner => _target.Owner;

    /// <summary>Hands the port to another callback; the next accepted connection goes to it, running ones stay where they are.</summary>
    public void Retarget(Func<Socket, CancellationToken, Task> onConnection, IListenerOwner? owner) => _target = new Target(onConnection, owner);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Transient (e.g. too many open files): log and keep serving.
                Log.AcceptFailed(_logger, Name, ex.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            client.NoDelay = true;
            var target = _target;
            target.Owner?.SessionStarted();
            _ = Task.Run(() => RunConnectionAsync(client, target));
        }
    }

    private async Task RunConnectionAsync(Socket client, Target target)
    {
        try
        {
            CountedSession.Enter();
            await target.OnConnection(client, _shutdown).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(_logger, Name, SafeRemote(client), ex);
        }
        finally
        {
            client.Dispose();
            target.Owner?.SessionEnded();
        }
    }

    private static string SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "-";
        }
        catch (ObjectDisposedException)
        {
            return "-";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        Log.Stopped(_logger, Name, EndPoint);
    }

    private sealed record Target(Func<Socket, CancellationToken, Task> OnConnection, IListenerOwner? Owner);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Name}: listening on tcp {EndPoint}")]
        public static partial void Listening(ILogger logger, string name, IPEndPoint endPoint);

        [LoggerMessage(2, LogLevel.Warning, "{Name}: accept failed: {Message}")]
        public static partial void AcceptFailed(ILogger logger, string name, string message);

        [LoggerMessage(3, LogLevel.Error, "{Name}: connection from {Peer} failed with an unhandled error")]
        public static partial void ConnectionFailed(ILogger logger, string name, string peer, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "{Name}: stopped listening on {EndPoint}")]
        public static partial void Stopped(ILogger logger, string name, IPEndPoint endPoint);
    }
}
