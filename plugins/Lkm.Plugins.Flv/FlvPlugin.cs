using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Flv;

/// <summary>
/// HTTP-FLV and WS-FLV egress: <c>http://host:8080/&lt;id&gt;.flv</c> and the same URL as a WebSocket.
/// Both play from one shared <see cref="FlvTransStream"/> per stream.
/// </summary>
public sealed class FlvPlugin : IProtocolPlugin
{
    private FlvPlayHandler? _handler;
    private FlvPluginOptions? _options;

    public string Name => "flv";

    public void Configure(IPluginConfig config) => _options = FlvPluginOptions.From(config);

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _options ?? throw new InvalidOperationException("The host configures a plugin before it starts it.");
        var logger = context.LoggerFactory.CreateLogger("Lkm.Plugins.Flv");
        _handler = new FlvPlayHandler(context, options, logger);
        context.AddTransStreamFactory(new FlvTransStreamFactory());
        context.MapHttpSuffix(FlvStreamPath.Suffix, _handler.HandleAsync);
        context.AddPlayUrl("HTTP-FLV", "http://{host}:{http_port}/{id}" + FlvStreamPath.Suffix);
        context.AddPlayUrl("WS-FLV", "ws://{host}:{http_port}/{id}" + FlvStreamPath.Suffix);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _handler?.Stop();
        return Task.CompletedTask;
    }
}
