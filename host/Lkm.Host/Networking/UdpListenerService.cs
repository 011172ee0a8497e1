using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Networking;

/// <summary>
/// A UDP port owned by the host on behalf of a plugin: one receive loop into one reused buffer, each datagram
/// handed to the plugin's handler before the next receive. The handler can be replaced while the loop runs
/// (<see cref="Retarget"/>): a new version of the plugin takes the port over without closing it.
/// </summary>
public sealed partial class UdpListenerService : IPluginListener
{
    // The largest UDP payload over IPv4.
    public const int MaxDatagram = 65507;

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private volatile Target _target;
    private readonly int _bufferSize;
    private long _handlerErrors;
    private long _truncated;

    public UdpListenerService(string name, IPEndPoint endPoint, UdpDatagramHandler onDatagram, IListenerOwner? owner, ILogger logger, CancellationToken shutdown,
        int maxDatagramSize = MaxDatagram)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagramSize, 1);
        _bufferSize = Math.Min(maxDatagramSize, MaxDatagram);
        Name = name;
        _target = new Target(onDatagram, owner);
        _logger = logger;
        _shutdown = shutdown;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (OperatingSystem.IsWindows())
        {
            _socket.ExclusiveAddressUse = true;
        }

        try
        {
            // Bursts of RTP/TS at several Mbit/s: a larger kernel buffer rides out a slow handler or a GC pause.
            _socket.ReceiveBufferSize = 4 * 1024 * 1024;
            _socket.Bind(endPoint);
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            if (PortInUseException.IsAddressInUse(ex))
            {
                throw new PortInUseException(name, endPoint, endPoint.Port, null, ex);
            }

            throw new InvalidOperationException($"{name}: cannot listen on udp {endPoint}: {ex.Message}", ex);
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Log.Listening(_logger, name, EndPoint);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public string Name { get; }

    public string Transport => "udp";

    public IPEndPoint EndPoint { get; }

    /// <summary>Whose handler receives now (the plugin version that holds the port).</summary>
    public IListenerOwner? Owner => _target.Owner;

    /// <summary>Datagrams whose handler threw.</summary>
    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>Datagrams longer than the receive buffer, dropped.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>Hands the port to another handler; the next datagram goes to it.</summary>
    public void Retarget(UdpDatagramHandler onDatagram, IListenerOwner? owner) => _target = new Target(onDatagram, owner);

    public async ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken) =>
        await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);

    private async Task ReceiveLoopAsync()
    {
        // One buffer per port, not per peer, held for the port's life (pinned: the socket reads into it directly).
        // One byte more than the largest datagram wanted: Linux truncates a longer one silently, and a receive that
        // fills the extra byte is how it shows.
        var buffer = GC.AllocateUninitializedArray<byte>(_bufferSize + 1, pinned: true);
        var remote = new SocketAddress(EndPoint.AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, remote, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // An ICMP "port unreachable" for an earlier send: not the port's fault.
                continue;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                // Windows says so instead of truncating.
                DropTruncated();
                continue;
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, Name, ex.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            if (length > _bufferSize)
            {
                DropTruncated();
                continue;
            }

            try
            {
                await _target.OnDatagram(buffer.AsMemory(0, length), remote, _shutdown).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A plugin bug or bad input it did not catch: the port keeps serving; logged once per 1000.
                if (Interlocked.Increment(ref _handlerErrors) % 1000 == 1)
                {
                    Log.HandlerFailed(_logger, Name, remote.ToString(), HandlerErrors, ex);
                }
            }
        }
    }

    /// <summary>Longer than the buffer the plugin asked for: dropped whole, never handed on cut.</summary>
    private void DropTruncated()
    {
        if (Interlocked.Increment(ref _truncated) % 1000 == 1)
        {
            Log.Truncated(_logger, Name, _bufferSize, Truncated);
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
        await _receiveLoop.ConfigureAwait(false);
        Log.Stopped(_logger, Name, EndPoint);
    }

    private sealed record Target(UdpDatagramHandler OnDatagram, IListenerOwner? Owner);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Name}: listening on udp {EndPoint}")]
        public static partial void Listening(ILogger logger, string name, IPEndPoint endPoint);

        [LoggerMessage(2, LogLevel.Warning, "{Name}: udp receive failed: {Message}")]
        public static partial void ReceiveFailed(ILogger logger, string name, string message);

        [LoggerMessage(3, LogLevel.Error, "{Name}: the handler failed on a datagram from {Peer} ({Count} so far, logged once per 1000)")]
        public static partial void HandlerFailed(ILogger logger, string name, string peer, long count, Exception exception);

        [LoggerMessage(5, LogLevel.Warning, "{Name}: a datagram longer than {Size} bytes was dropped ({Count} so far, logged once per 1000)")]
        public static partial void Truncated(ILogger logger, string name, int size, long count);

        [LoggerMessage(4, LogLevel.Information, "{Name}: stopped listening on udp {EndPoint}")]
        public static partial void Stopped(ILogger logger, string name, IPEndPoint endPoint);
    }
}
