using System.Net;
using Lkm.Host.Api;
using Lkm.Host.Composition;
using Lkm.Host.Configuration;
using Lkm.Host.Logging;
using Lkm.Host.Networking;
using Lkm.Host.Plugins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lkm.Host;

/// <summary>Builds the host (services in <see cref="LkmServiceCollectionExtensions"/>, the HTTP pipeline in <see cref="ApiPipeline"/>) and runs it until stopped.</summary>
public static partial class LkmServer
{
    /// <param name="configErrors">
    /// The errors of the host's sections and <c>--set</c>, still open: the plugins' sections join them, and all are
    /// thrown as one <see cref="ConfigException"/> before anything starts or binds.
    /// </param>
    public static async Task<int> RunAsync(LkmConfig config, IReadOnlyList<KeyValuePair<string, string>> overrides, ConfigErrors configErrors, CancellationToken stop = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        LoggingSetup.Configure(builder.Logging, config.Log, AppContext.BaseDirectory);
        builder.Services.AddLkm(config, overrides);

        // Under systemd (deploy/lkm.service, Type=notify): READY=1 once everything listens, STOPPING=1 on stop; elsewhere a no-op.
        builder.Services.AddSystemd();
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
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Lkm.Host");
        app.UseWebSockets();

        // Media routes, the API, /metrics and the console.
        ApiPipeline.Use(app, app.Services.GetRequiredService<ApiServices>(), app.Services.GetRequiredService<HttpSuffixRouter>(), loggerFactory);

        // The configure step: every plugin reads its section; nothing has started or bound yet.
        app.Services.GetRequiredService<PluginCatalog>().Configure(configErrors);
        configErrors.ThrowIfAny();
        try
        {
            await app.StartAsync(stop).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            Log.ConfigError(logger, ex.Message);
            LoggingSetup.Shutdown();
            return 2;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Kestrel's "address already in use" reads like the plugins' listeners: which port, which listener, what to do.
            Log.StartFailed(logger, (PortInUseException.FromKestrel(ex, config.Server.Http) ?? ex).Message);
            LoggingSetup.Shutdown();
            return 3;
        }

        // Returns once the host has stopped (SIGTERM, Ctrl+C or stop): hosted services stopped in reverse order.
        await app.WaitForShutdownAsync(stop).ConfigureAwait(false);
        LoggingSetup.Shutdown();
        return 0;
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Critical, "config error: {Message}")]
        public static partial void ConfigError(ILogger logger, string message);

        [LoggerMessage(3, LogLevel.Critical, "cannot start: {Message}")]
        public static partial void StartFailed(ILogger logger, string message);
    }
}
