using System.Net;
using Lkm.Host.Api;
using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Host.Logging;
using Lkm.Host.Memory;
using Lkm.Host.Networking;
using Lkm.Host.Plugins;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;

namespace Lkm.Host;

/// <summary>Wires config, logging, the stream hub, the HTTP server and the plugins, and runs until stopped.</summary>
public static partial class LkmServer
{
    public static async Task<int> RunAsync(LkmConfig config, IReadOnlyList<KeyValuePair<string, string>> overrides, CancellationToken stop = default)
    {
        using var loggerFactory = LoggingSetup.Create(config.Log, AppContext.BaseDirectory);
        var logger = loggerFactory.CreateLogger("Lkm.Host");
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var memory = new MemoryHousekeeping(config.Server.GcYoungBudget, loggerFactory.CreateLogger("Lkm.Memory"));

        var routes = new LiveRoutes(config.Routes);
        var registry = new TransStreamRegistry();
        await using var hookEngine = new HookEngine(loggerFactory);
        var hooks = new ScriptStreamHooks(hookEngine, loggerFactory);
        await using var hub = new StreamHub(routes, registry, loggerFactory, hooks);
        using var watcher = new ConfigWatcher(config, overrides, routes, loggerFactory);
        var router = new HttpSuffixRouter();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddNLog();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (config.Server.Http > 0)
            {
                kestrel.Listen(IPAddress.Parse(config.Server.Listen), config.Server.Http);
            }

            ApiPipeline.AddListeners(kestrel, config);
        });
        await using var app = builder.Build();
        app.UseWebSockets();

        await using var catalog = new PluginCatalog(config, hub, router, registry, loggerFactory, shutdown.Token);

        // Media routes, the API, /metrics and the console (see Api/ApiPipeline).
        ApiPipeline.Use(app, new ApiServices(config, hub, () => catalog.Plugins, hookEngine), router, loggerFactory);
        try
        {
            await catalog.StartAllAsync(shutdown.Token).ConfigureAwait(false);
            await app.StartAsync(shutdown.Token).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            Log.ConfigError(logger, ex.Message);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            Log.StartFailed(logger, ex.Message);
            return 3;
        }

        hooks.Notify(routes.Current.Defaults, HookEvent.OnStarted, new HookContext { Stream = "", Protocol = "" });
        Log.Ready(logger, config.FilePath, config.Server.Http, ApiPipeline.SeparateEndPoint(config)?.ToString() ?? "on the http port", string.Join(", ", catalog.Plugins.Where(p => p.State == PluginState.Running).Select(p => p.Name)),
            string.Join(", ", catalog.Plugins.SelectMany(p => p.Context.Listeners).Select(l => $"{l.Name}={l.EndPoint}")));

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        using (stop.Register(lifetime.StopApplication))
        {
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        Log.Stopping(logger);
        await shutdown.CancelAsync().ConfigureAwait(false);
        await catalog.DisposeAsync().ConfigureAwait(false);
        await hub.DisposeAsync().ConfigureAwait(false);
        LoggingSetup.Shutdown();
        return 0;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "LKM.NET ready: config {Config}, http port {Http}, api {Api}, plugins [{Plugins}], listeners [{Listeners}]")]
        public static partial void Ready(ILogger logger, string config, int http, string api, string plugins, string listeners);

        [LoggerMessage(2, LogLevel.Critical, "config error: {Message}")]
        public static partial void ConfigError(ILogger logger, string message);

        [LoggerMessage(3, LogLevel.Critical, "cannot start: {Message}")]
        public static partial void StartFailed(ILogger logger, string message);

        [LoggerMessage(4, LogLevel.Information, "LKM.NET stopping")]
        public static partial void Stopping(ILogger logger);
    }
}
