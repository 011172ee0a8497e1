using System.Net;
using System.Net.Sockets;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Gb28181.Forwarding;

/// <summary>
/// Starts cascade forwards (<c>forward</c>): the socket of each (a UDP socket, a TCP connection we dial, or a listener
/// the platform connects to), from a port of the range when there is one; the hub's player for it; and, when it ends
/// (<c>sink/close</c>, the platform leaving, the source ending), everything given back.
/// </summary>
internal sealed partial class ForwardService(IPluginContext context, IPortPool? pool, Gb28181Options options, ILogger logger)
{
    /// <summary>
    /// Starts forwarding <paramref name="source"/> to <paramref name="address"/> with <paramref name="ssrc"/>.
    /// <paramref name="setup"/> as the platform's SDP says it, as LKM reads it: <c>active</c> — the platform connects to
    /// us (we listen); <c>passive</c> — we connect to it; anything else — UDP.
    /// </summary>
    public async Task<ForwardTarget> StartAsync(GbSource source, string? address, uint ssrc, string setup, CancellationToken cancellationToken)
    {
        setup = setup.ToLowerInvariant() switch
        {
            "active" => "active",
            "passive" => "passive",
            _ => "udp",
        };
        IPEndPoint? remote = null;
        if (setup != "active" || address is not null)
        {
            remote = ParseAddress(address);
        }

        PortLease? lease = null;
        if (pool is not null && !pool.TryRent(out lease))
        {
            throw new PluginApiException(503, $"no free port in {pool.First}-{pool.Last}");
        }

        var target = new ForwardTarget(source.Id, ssrc, setup, remote);
        var local = new IPEndPoint(options.ListenAddress, lease?.Port ?? 0);
        IAsyncDisposable? listener = null;
        try
        {
            switch (setup)
            {
                case "udp":
                    var udp = new Socket(remote!.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    Bind(udp, local);
                    target.TryAttach(udp);
                    target.LocalPort = ((IPEndPoint)udp.LocalEndPoint!).Port;
                    break;
                case "passive":
                    var tcp = new Socket(remote!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    Bind(tcp, local);
                    target.LocalPort = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        timeout.CancelAfter(options.ConnectTimeout);
                        try
                        {
                            await tcp.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                        {
                            tcp.Dispose();
                            throw new PluginApiException(502, $"cannot connect to {remote}: {(ex is OperationCanceledException ? "timed out" : ex.Message)}");
                        }
                    }

                    target.TryAttach(tcp);
                    break;
                default:
                    // The platform connects to us: a listening socket of our own for this one connection.
                    var server = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    Bind(server, local);
                    server.Listen(1);
                    target.LocalPort = ((IPEndPoint)server.LocalEndPoint!).Port;
                    listener = new SocketCloser(server);
                    _ = AcceptAsync(server, target);
                    break;
            }

            var handle = await context.Hub.PlayAsync(new PlayRequest { StreamId = source.Id, Protocol = target.Protocol, RemoteEndPoint = remote }, target, cancellationToken).ConfigureAwait(false);
            if (!source.AddForward(target))
            {
                target.Close("its source ended");
            }

            _ = WatchAsync(source, target, handle, listener, lease);
            Log.Started(logger, source.Id, target.Id, setup, remote?.ToString() ?? "-", target.LocalPort, ssrc);
            return target;
        }
        catch (Exception ex)
        {
            target.Close(ex.Message);
            if (listener is not null)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            lease?.Dispose();
            if (ex is StreamDeniedException denied)
            {
                throw new PluginApiException(403, $"forward of {source.Id} refused: {denied.Message}");
            }

            throw;
        }
    }

    private async Task AcceptAsync(Socket server, ForwardTarget target)
    {
        try
        {
            var socket = await server.AcceptAsync().ConfigureAwait(false);
            if (target.TryAttach(socket))
            {
                Log.PlatformConnected(logger, target.StreamId, target.Id, socket.RemoteEndPoint?.ToString() ?? "-");
            }
            else
            {
                socket.Dispose();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed before the platform came.
        }
        finally
        {
            server.Dispose();
        }
    }

    private static IPEndPoint ParseAddress(string? address)
    {
        if (address is null || !IPEndPoint.TryParse(address, out var endPoint) || endPoint.Port == 0)
        {
            throw new PluginApiException(400, $"addr must be ip:port (got '{address}')");
        }

        return endPoint;
    }

    private static void Bind(Socket socket, IPEndPoint local)
    {
        try
        {
            socket.ExclusiveAddressUse = false;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(local.AddressFamily == socket.AddressFamily ? local : new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, local.Port));
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new PluginApiException(503, $"cannot bind port {local.Port}: {ex.Message}");
        }
    }

    private async Task WatchAsync(GbSource source, ForwardTarget target, IAsyncDisposable handle, IAsyncDisposable? listener, PortLease? lease)
    {
        await target.Completion.ConfigureAwait(false);
        source.RemoveForward(target);
        await handle.DisposeAsync().ConfigureAwait(false);
        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        lease?.Dispose();
        Log.Ended(logger, source.Id, target.Id, target.CloseReason ?? "-", target.Packets, target.BytesSent);
    }

    private sealed class SocketCloser(Socket socket) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "GB28181 stream {StreamId}: forward {Sink} started ({Setup} to {Remote}, local port {Port}, SSRC {Ssrc})")]
        public static partial void Started(ILogger logger, string streamId, string sink, string setup, string remote, int port, uint ssrc);

        [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "GB28181 stream {StreamId}: forward {Sink} ended: {Reason} ({Packets} packets, {Bytes} bytes)")]
        public static partial void Ended(ILogger logger, string streamId, string sink, string reason, long packets, long bytes);

        [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "GB28181 stream {StreamId}: forward {Sink}: the upper platform connected from {Remote}")]
        public static partial void PlatformConnected(ILogger logger, string streamId, string sink, string remote);
    }
}
