using Lkm.Host.Api;
using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Host.Plugins;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Composition;

/// <summary>Once everything listens: one "ready" line saying what is served, and the on_started hook.</summary>
internal sealed partial class StartupAnnouncer(LkmConfig config, PluginCatalog catalog, LiveRoutes routes, IStreamHooks hooks,
    IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Lkm.Host");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Announce);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger);
        return Task.CompletedTask;
    }

    private void Announce()
    {
        hooks.Notify(routes.Current.Defaults, HookEvent.OnStarted, new HookContext { Stream = "", Protocol = "" });
        Log.Ready(_logger, config.FilePath, config.Server.Http, ApiPipeline.SeparateEndPoint(config)?.ToString() ?? "on the http port",
            string.Join(", ", catalog.Plugins.Where(p => p.State == PluginState.Running).Select(p => p.Name)),
            string.Join(", ", catalog.Plugins.Where(p => p.State == PluginState.Running).SelectMany(p => p.Context?.Listeners ?? []).Select(l => $"{l.Name}={l.Transport}/{l.EndPoint}")));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "LKM.NET ready: config {Config}, http port {Http}, api {Api}, plugins [{Plugins}], listeners [{Listeners}]")]
        public static partial void Ready(ILogger logger, string config, int http, string api, string plugins, string listeners);

        [LoggerMessage(4, LogLevel.Information, "LKM.NET stopping")]
        public static partial void Stopping(ILogger logger);
    }
}
