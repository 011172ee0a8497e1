using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Session;
using Lkm.Plugins.Rtmp.Streaming;
using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp;

/// <summary>
/// RTMP in (publish) and out (play). Listens on <c>port</c> (default 1935) through the host and
/// registers the <c>rtmp</c> trans stream that RTMP players share.
/// </summary>
public sealed partial class RtmpPlugin : IProtocolPlugin
{
    private IPluginContext? _context;
    private RtmpOptions? _options;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private IAsyncDisposable? _listener;

    public string Name => "rtmp";

    public void Configure(IPluginConfig config) => _options = RtmpOptions.FromConfig(config);

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var options = _options ?? throw new InvalidOperationException("The host configures a plugin before it starts it.");
        _context = context;
        _logger = context.LoggerFactory.CreateLogger("Lkm.Plugins.Rtmp");
        context.AddTransStreamFactory(new RtmpTransStreamFactory(options.ChunkSize));
        _listener = context.ListenTcp("rtmp", options.EndPoint, OnConnectionAsync);
        context.AddPlayUrl("RTMP", "rtmp://{host}:{port:rtmp}/{id}");
        Log.Listening(_logger, options.EndPoint.ToString());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop accepting; connections already running go on until they end.
        var listener = Interlocked.Exchange(ref _listener, null);
        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            Log.Stopped(_logger);
        }
    }

    private Task OnConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        if (_context is not { } context || _options is not { } options)
        {
            throw new InvalidOperationException("The RTMP plugin is not started.");
        }

        return new RtmpConnection(socket, context, options, _logger, cancellationToken).RunAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP listening on {EndPoint}")]
        public static partial void Listening(ILogger logger, string endPoint);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP stopped accepting connections")]
        public static partial void Stopped(ILogger logger);
    }
}
