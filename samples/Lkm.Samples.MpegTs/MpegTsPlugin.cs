using System.Net.Sockets;
using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Samples.MpegTs;

/// <summary>
/// MPEG-TS ingest (H.264/H.265 + AAC) over UDP and TCP: what <c>ffmpeg -f mpegts udp://host:10000</c> or
/// <c>tcp://host:10000</c> sends is published as <c>ts/10000</c> (ports and stream ids from <c>plugins.mpegts</c>,
/// see <see cref="MpegTsOptions"/>). The demuxing is the SDK's (<c>Lkm.Sdk.MpegTs.TsIngest</c>); this plugin owns
/// the sessions: on UDP one publish per port, started by the first datagram and ended by silence; on TCP one
/// publish per connection.
/// </summary>
public sealed partial class MpegTsPlugin : IProtocolPlugin
{
    /// <summary>The protocol name publishes carry (hooks see it).</summary>
    public const string Protocol = "mpegts";

    private readonly List<UdpTsPort> _udpPorts = [];
    private readonly List<IAsyncDisposable> _tcpListeners = [];
    private MpegTsOptions? _options;
    private ILogger _logger = NullLogger.Instance;

    /// <inheritdoc/>
    public string Name => "mpegts";

    /// <inheritdoc/>
    public void Configure(IPluginConfig config) => _options = MpegTsOptions.FromConfig(config);

    /// <inheritdoc/>
    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var options = _options ?? throw new InvalidOperationException("The host configures a plugin before it starts it.");
        _logger = context.LoggerFactory.CreateLogger("Lkm.Samples.MpegTs");
        foreach (var port in options.Ports)
        {
            if (options.Udp)
            {
                var udp = new UdpTsPort(port, context, options, _logger);
                udp.Start();
                _udpPorts.Add(udp);
            }

            if (options.Tcp)
            {
                var logger = _logger;
                _tcpListeners.Add(context.ListenTcp($"mpegts-tcp-{port.Port}", options.EndPoint(port),
                    (Socket socket, CancellationToken ct) => TcpTsConnection.RunAsync(socket, port, context, options, logger, ct)));
                Log.ListeningTcp(_logger, options.EndPoint(port).ToString(), port.StreamId);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops accepting: closes the TCP listeners (connections already publishing go on) and ends the UDP streams, whose ports a newer version may take over.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in _tcpListeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var port in _udpPorts)
        {
            await port.DisposeAsync().ConfigureAwait(false);
        }

        _tcpListeners.Clear();
        _udpPorts.Clear();
        Log.Stopped(_logger);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS listening on TCP {EndPoint} for stream {StreamId}")]
        public static partial void ListeningTcp(ILogger logger, string endPoint, string streamId);

        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS stopped accepting")]
        public static partial void Stopped(ILogger logger);
    }
}
