using System.Net;
using System.Net.Sockets;
using Lkm.Plugins.Gb28181.Api;
using Lkm.Plugins.Gb28181.Forwarding;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Plugins.Gb28181.Transport;
using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Plugins.Gb28181;

/// <summary>
/// GB28181 media plane: a signalling server (not ours) creates each source through the API
/// (<c>/api/v1/gb28181/source/create</c>), gives the device the answered port, and the device pushes MPEG-PS over RTP —
/// UDP to a port of its own from the range or to the one shared port (told apart by SSRC), TCP to us (passive) or from
/// us (active, after <c>source/connect</c>). The stream plays over every egress the server has. <c>forward</c> re-sends a
/// source's RTP to an upper platform (cascade). Everything protocol-generic (RTP, RFC 4571, PS demux, elementary-stream
/// ingest) is the SDK's.
/// </summary>
public sealed partial class Gb28181Plugin : IProtocolPlugin
{
    /// <summary>The protocol name publishes carry (hooks see it), as LKM names it.</summary>
    public const string Protocol = "28181";

    private readonly GbSourceTable _sources = new();
    private readonly List<IAsyncDisposable> _sharedListeners = [];
    private Gb28181Options? _options;
    private ILogger _logger = NullLogger.Instance;

    /// <inheritdoc/>
    public string Name => "gb28181";

    internal GbSourceTable Sources => _sources;

    /// <inheritdoc/>
    public void Configure(IPluginConfig config) => _options = Gb28181Options.FromConfig(config);

    /// <inheritdoc/>
    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var options = _options ?? throw new InvalidOperationException("The host configures a plugin before it starts it.");
        _logger = context.LoggerFactory.CreateLogger("Lkm.Plugins.Gb28181");
        IPortPool? pool = null;
        SharedUdpPort? sharedUdp = null;
        if (options.SinglePort)
        {
            var endPoint = new IPEndPoint(options.ListenAddress, options.FirstPort);
            if (options.Udp)
            {
                sharedUdp = new SharedUdpPort(_sources, _logger);
                _sharedListeners.Add(context.ListenUdp("gb28181-udp", endPoint, sharedUdp.OnDatagramAsync, options.MaxDatagramSize));
            }

            if (options.Tcp)
            {
                var logger = _logger;
                var sources = _sources;
                _sharedListeners.Add(context.ListenTcp("gb28181-tcp", endPoint,
                    (Socket socket, CancellationToken ct) => new Rfc4571Connection(socket, ssrc => sources.FindBySsrc(ssrc, tcp: true), logger).RunAsync(ct)));
            }

            Log.ListeningShared(_logger, endPoint.ToString(), options.Udp ? "UDP" : "", options.Tcp ? "TCP" : "");
        }
        else
        {
            pool = context.CreatePortPool("rtp", options.FirstPort, options.LastPort);
            Log.PortRange(_logger, options.FirstPort, options.LastPort, options.Udp ? "UDP" : "", options.Tcp ? "TCP" : "");
        }

        var forwarding = new ForwardService(context, pool, options, _logger);
        var api = new GbApi(context, options, _sources, pool, sharedUdp, forwarding, _logger);
        context.MapApi("source/create", api.CreateAsync);
        context.MapApi("source/connect", api.ConnectAsync);
        context.MapApi("source/list", api.ListAsync);
        context.MapApi("forward", api.ForwardAsync);
        context.AddTransStreamFactory(new ForwardTransStreamFactory());
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting: the shared port closes (unless a newer version took it over); sources with a port of their own go on until they end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in _sharedListeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _sharedListeners.Clear();
        Log.Stopped(_logger, _sources.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "GB28181 single-port mode: every source on {EndPoint} {Udp} {Tcp}, told apart by SSRC")]
        public static partial void ListeningShared(ILogger logger, string endPoint, string udp, string tcp);

        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "GB28181: a port per source from {First}-{Last} {Udp} {Tcp}")]
        public static partial void PortRange(ILogger logger, int first, int last, string udp, string tcp);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "GB28181 stopped accepting ({Sources} sources go on until they end)")]
        public static partial void Stopped(ILogger logger, int sources);
    }
}
