using Lkm.Host.Configuration;
using Lkm.Host.Metrics;
using Lkm.Host.Networking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Api;

/// <summary>
/// The HTTP side of the host: media (plugin suffix routes such as <c>.flv</c>), the API under
/// <c>/api/</c>, <c>/metrics</c> and the web console (static files of wwwroot).
/// With <c>api.listen</c> set, the API, /metrics and the console are served only on that listener
/// and media only on server.http; otherwise all share server.http.
/// </summary>
public static class ApiPipeline
{
    public const string MetricsPath = "/metrics";

    /// <summary>The console's files, copied beside the host binary.</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>The separate API listener, or null when the API shares the media HTTP port.</summary>
    public static System.Net.IPEndPoint? SeparateEndPoint(LkmConfig config) =>
        config.Api.ListenEndPoint is { } ep && ep.Port != config.Server.Http ? ep : null;

    public static void AddListeners(KestrelServerOptions kestrel, LkmConfig config)
    {
        if (SeparateEndPoint(config) is { } ep)
        {
            kestrel.Listen(ep);
        }
    }

    public static void Use(WebApplication app, ApiServices services, HttpSuffixRouter router, ILoggerFactory loggerFactory)
    {
        int? apiPort = SeparateEndPoint(services.Config)?.Port;
        var tokens = new ApiTokenCheck(services.Config.Api.Token);
        var logger = loggerFactory.CreateLogger("Lkm.Api");
        var dispatcher = new ApiDispatcher(logger, services.PluginApis);
        new StreamApi(services, logger).Register(dispatcher);
        new PluginApi(services).Register(dispatcher);
        new ServerApi(services).Register(dispatcher);
        // Built on the first scrape: prometheus-net (and the System.Net.Http and System.Diagnostics.Process it
        // pulls in) stays out of servers nobody scrapes. Every value is read from the hub at scrape time, so a
        // late start loses nothing.
        var metrics = new Lazy<LkmMetrics>(() => new LkmMetrics(services), LazyThreadSafetyMode.ExecutionAndPublication);

        app.Use(async (context, next) =>
        {
            bool onApiListener = apiPort is null || context.Connection.LocalPort == apiPort;
            bool onMediaListener = apiPort is null || context.Connection.LocalPort != apiPort;
            if (onMediaListener && await router.TryHandleAsync(context).ConfigureAwait(false))
            {
                return;
            }

            if (!onApiListener)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            string path = context.Request.Path.Value ?? "";
            bool isApi = path.StartsWith(ApiDispatcher.Prefix, StringComparison.OrdinalIgnoreCase);
            bool isMetrics = string.Equals(path, MetricsPath, StringComparison.OrdinalIgnoreCase);
            if ((isApi || isMetrics) && !tokens.IsAuthorized(context.Request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ApiResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong API token (Authorization: Bearer <api.token>)").ConfigureAwait(false);
                return;
            }

            if (isApi)
            {
                await dispatcher.HandleAsync(context).ConfigureAwait(false);
            }
            else if (isMetrics)
            {
                await metrics.Value.WriteAsync(context).ConfigureAwait(false);
            }
            else
            {
                await next(context).ConfigureAwait(false);
            }
        });

        if (Directory.Exists(WebRoot))
        {
            // The console: index.html at "/", its scripts and styles beside it. The page holds no data; it calls the API.
            var files = new PhysicalFileProvider(WebRoot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
            });
        }
        else
        {
            app.MapGet("/", () => Results.Text($"LKM.NET {services.Version}: streams at /<id>.flv, API at /api/v1/\n"));
        }
    }
}
