using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Lkm.Plugins.Gb28181.Forwarding;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Plugins.Gb28181.Transport;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Gb28181.Api;

/// <summary>
/// The GB28181 calls of LKM's API, which signalling servers such as gb-cms make (<c>/api/v1/gb28181/...</c>), with
/// LKM's parameters, answers and error texts: <c>source/create</c>, <c>source/connect</c>, <c>forward</c>; and
/// <c>source/list</c>, the transport counters of every source (what the console shows beside the host's stream rows).
/// </summary>
internal sealed partial class GbApi(
    IPluginContext context,
    Gb28181Options options,
    GbSourceTable sources,
    IPortPool? pool,
    SharedUdpPort? sharedUdp,
    ForwardService forwarding,
    ILogger logger)
{
    /// <summary>Binds tried before giving up when rented ports turn out to be held by other programs.</summary>
    private const int BindAttempts = 16;

    /// <summary><c>{source, setup: udp|passive|active, ssrc}</c> → <c>{ip, port, urls}</c>.</summary>
    public async ValueTask<JsonNode?> CreateAsync(PluginApiRequest request, CancellationToken cancellationToken)
    {
        string id = request.Require("source");
        var setup = ParseSetup(request.Get("setup"));
        uint ssrc = ParseSsrc(request.Get("ssrc"), "ssrc");
        if (setup == GbSetup.Udp ? !options.Udp : !options.Tcp)
        {
            throw Fail(id, $"{(setup == GbSetup.Udp ? "UDP" : "TCP")} receiving is off (plugins.gb28181.transport)");
        }

        if (setup == GbSetup.Active && options.SinglePort)
        {
            throw Fail(id, "单端口模式下不能主动拉流 (single-port mode cannot dial devices)");
        }

        if (sources.CheckFree(id, ssrc, setup != GbSetup.Udp, options.SinglePort) is { } taken)
        {
            throw Fail(id, taken);
        }

        IPublisher publisher;
        try
        {
            publisher = await context.Hub.PublishAsync(new PublishRequest { StreamId = id, Protocol = Gb28181Plugin.Protocol, AuthorizeLater = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            throw Fail(id, ex.Reason == DenyReason.AlreadyPublished ? $"{id} 源已经存在" : ex.Message);
        }

        var source = new GbSource(id, ssrc, setup, publisher, options, logger, sources.Remove);
        if (!sources.TryAdd(source, bySsrc: options.SinglePort))
        {
            await source.CloseAsync("created twice at once").ConfigureAwait(false);
            throw Fail(id, sources.CheckFree(id, ssrc, setup != GbSetup.Udp, options.SinglePort) ?? $"{id} 源已经存在");
        }

        try
        {
            OpenTransport(source);
        }
        catch (PluginApiException ex)
        {
            await source.CloseAsync(ex.Message).ConfigureAwait(false);
            throw Fail(id, ex.Message, ex.Status);
        }

        Log.Created(logger, id, setup.ToString().ToLowerInvariant(), source.Port, ssrc);
        var urls = new JsonArray();
        foreach (string url in context.GetPlayUrls(id))
        {
            urls.Add(url);
        }

        return new JsonObject
        {
            ["ip"] = context.PublicAddress,
            ["port"] = source.Port,
            ["urls"] = urls,
        };
    }

    /// <summary><c>{source, remote_addr}</c>: dial a TCP active source's device.</summary>
    public async ValueTask<JsonNode?> ConnectAsync(PluginApiRequest request, CancellationToken cancellationToken)
    {
        string id = request.Require("source");
        string address = request.Require("remote_addr");
        var source = sources.Find(id) ?? throw Fail(id, $"{id} 源不存在");
        if (source.Setup != GbSetup.Active)
        {
            throw Fail(id, $"{id} 源不是Active拉流类型");
        }

        if (!IPEndPoint.TryParse(address, out var remote) || remote.Port == 0)
        {
            throw Fail(id, $"remote_addr must be ip:port (got '{address}')", 400);
        }

        if (!source.TryClaimDial())
        {
            throw Fail(id, $"{id} is already connected");
        }

        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // From the source's own port, as the device was told (the SDP's port).
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : options.ListenAddress, source.Port));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            source.ReleaseDial();
            string why = ex is OperationCanceledException ? $"timed out after {options.ConnectTimeout.TotalSeconds:0.#} s" : ex.Message;
            throw Fail(id, $"cannot connect to {remote}: {why}", 502);
        }

        var connection = new Rfc4571Connection(socket, _ => source, logger);
        source.SetTransport(new ConnectionTransport(socket));
        _ = RunDialledAsync(connection, socket, source);
        Log.Connected(logger, id, remote.ToString(), source.Port);
        return null;
    }

    /// <summary><c>{source, addr, ssrc, setup}</c> → <c>{sink, ip, port}</c>: cascade the source's RTP to an upper platform.</summary>
    public async ValueTask<JsonNode?> ForwardAsync(PluginApiRequest request, CancellationToken cancellationToken)
    {
        string id = request.Require("source");
        var source = sources.Find(id) ?? throw Fail(id, $"{id} 源不存在");
        uint ssrc = ParseSsrc(request.Get("ssrc"), "ssrc");
        ForwardTarget target;
        try
        {
            target = await forwarding.StartAsync(source, request.Get("addr"), ssrc, request.Get("setup") ?? "udp", cancellationToken).ConfigureAwait(false);
        }
        catch (PluginApiException ex)
        {
            throw Fail(id, ex.Message, ex.Status);
        }

        return new JsonObject
        {
            ["sink"] = target.Id,
            ["ip"] = context.PublicAddress,
            ["port"] = target.LocalPort,
        };
    }

    /// <summary>Every source with its transport and counters.</summary>
    public ValueTask<JsonNode?> ListAsync(PluginApiRequest request, CancellationToken cancellationToken)
    {
        var list = new JsonArray();
        foreach (var source in sources.All.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var reorder = source.Receiver?.Reorder;
            var demuxer = source.Ingest?.Demuxer;
            var forwards = new JsonArray();
            foreach (var forward in source.Forwards)
            {
                forwards.Add(new JsonObject
                {
                    ["sink"] = forward.Id,
                    ["setup"] = forward.Setup,
                    ["remote"] = forward.RemoteEndPoint?.ToString(),
                    ["local_port"] = forward.LocalPort,
                    ["ssrc"] = forward.Ssrc,
                    ["connected"] = forward.Connected,
                    ["packets"] = forward.Packets,
                    ["bytes"] = forward.BytesSent,
                });
            }

            list.Add(new JsonObject
            {
                ["source"] = source.Id,
                ["setup"] = source.Setup.ToString().ToLowerInvariant(),
                ["state"] = source.StateName,
                ["port"] = source.Port,
                ["ssrc"] = source.Ssrc,
                ["remote"] = source.Remote?.ToString(),
                ["created_at"] = source.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["packets"] = source.Packets,
                ["bytes"] = source.Bytes,
                ["dropped_packets"] = source.Dropped,
                ["reordered"] = reorder?.Reordered ?? 0,
                ["lost"] = reorder?.Lost ?? 0,
                ["gaps"] = source.Receiver?.Gaps ?? 0,
                ["dropped_frames"] = demuxer?.DroppedFrames ?? 0,
                ["ps_errors"] = demuxer?.Errors ?? 0,
                ["ps_resyncs"] = demuxer?.Resyncs ?? 0,
                ["forwards"] = forwards,
            });
        }

        var data = new JsonObject
        {
            ["mode"] = options.SinglePort ? "single-port" : "multi-port",
            ["ports"] = options.SinglePort ? $"{options.FirstPort}" : $"{options.FirstPort}-{options.LastPort}",
            ["ports_in_use"] = pool?.InUse ?? 0,
            ["unknown_ssrc_datagrams"] = sharedUdp?.UnknownSsrc ?? 0,
            ["sources"] = list,
        };
        return ValueTask.FromResult<JsonNode?>(data);
    }

    // A port of the range for the source (multi-port), with its UDP port or TCP listener; the shared port otherwise.
    private void OpenTransport(GbSource source)
    {
        if (options.SinglePort)
        {
            source.Port = options.FirstPort;
            return;
        }

        for (int attempt = 0; attempt < BindAttempts; attempt++)
        {
            if (!pool!.TryRent(out var lease))
            {
                throw new PluginApiException(503, $"no free port in {pool.First}-{pool.Last} ({pool.InUse} in use)");
            }

            var endPoint = new IPEndPoint(options.ListenAddress, lease.Port);
            try
            {
                IAsyncDisposable transport = source.Setup switch
                {
                    GbSetup.Udp => context.ListenUdp($"gb28181-udp-{lease.Port}", endPoint,
                        (datagram, remote, _) =>
                        {
                            source.OnPacket(datagram.Span, remote, null);
                            return ValueTask.CompletedTask;
                        },
                        options.MaxDatagramSize),
                    GbSetup.Passive => context.ListenTcp($"gb28181-tcp-{lease.Port}", endPoint,
                        (socket, ct) => new Rfc4571Connection(socket, _ => source, logger).RunAsync(ct)),
                    _ => ReserveTcpPort(endPoint),
                };
                source.Port = lease.Port;
                source.Lease = lease;
                source.SetTransport(transport);
                return;
            }
            catch (InvalidOperationException ex) when (ex.InnerException is SocketException)
            {
                // Held by another program: keep it rented (so the round robin passes it) only for this attempt.
                Log.PortBusy(logger, source.Id, lease.Port, ex.InnerException.Message);
                lease.Dispose();
            }
            catch (SocketException ex)
            {
                Log.PortBusy(logger, source.Id, lease.Port, ex.Message);
                lease.Dispose();
            }
        }

        throw new PluginApiException(503, $"no port of {options.FirstPort}-{options.LastPort} could be bound after {BindAttempts} tries");
    }

    // TCP active dials from the source's port later: check now that it is free (bind and let go).
    private static IAsyncDisposable ReserveTcpPort(IPEndPoint endPoint)
    {
        using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(endPoint);
        return NoTransport.Instance;
    }

    private async Task RunDialledAsync(Rfc4571Connection connection, Socket socket, GbSource source)
    {
        try
        {
            await connection.RunAsync(context.ShuttingDown).ConfigureAwait(false);
        }
        finally
        {
            socket.Dispose();
            await source.CloseAsync("the device's connection ended").ConfigureAwait(false);
        }
    }

    private static GbSetup ParseSetup(string? setup) => setup?.ToLowerInvariant() switch
    {
        null or "" or "udp" => GbSetup.Udp,
        "passive" => GbSetup.Passive,
        "active" => GbSetup.Active,
        _ => throw new PluginApiException(400, $"setup must be udp, passive or active (got '{setup}')"),
    };

    // A uint32 as LKM clients send it (a JSON number), or a decimal string; absent = 0.
    internal static uint ParseSsrc(string? text, string name)
    {
        if (text is null)
        {
            return 0;
        }

        return uint.TryParse(text.Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out uint ssrc)
            ? ssrc
            : throw new PluginApiException(400, $"{name} must be a number from 0 to 4294967295 (got '{text}')");
    }

    private PluginApiException Fail(string id, string message, int status = 400)
    {
        Log.Refused(logger, id, message);
        return new PluginApiException(status, message);
    }

    private sealed class ConnectionTransport(Socket socket) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NoTransport : IAsyncDisposable
    {
        public static readonly NoTransport Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "GB28181 source {StreamId} created: {Setup} on port {Port}, SSRC {Ssrc}")]
        public static partial void Created(ILogger logger, string streamId, string setup, int port, uint ssrc);

        [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "GB28181 source {StreamId}: {Message}")]
        public static partial void Refused(ILogger logger, string streamId, string message);

        [LoggerMessage(EventId = 52, Level = LogLevel.Information, Message = "GB28181 source {StreamId}: connected to the device at {Remote} from port {Port}")]
        public static partial void Connected(ILogger logger, string streamId, string remote, int port);

        [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "GB28181 source {StreamId}: port {Port} is held by another program ({Error}); trying the next")]
        public static partial void PortBusy(ILogger logger, string streamId, int port, string error);
    }
}
