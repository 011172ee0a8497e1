using Lkm.Sdk.Plugins;
using Lkm.Sdk.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Flv.Tests.Support;

/// <summary>A real Kestrel on 127.0.0.1:0 routing <c>*.flv</c> paths to the handler the plugin registered, as the host does.</summary>
internal sealed class FlvTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FlvTestServer(WebApplication app, FlvPlugin plugin, TestPluginContext context, Uri baseUri)
    {
        _app = app;
        Plugin = plugin;
        Context = context;
        BaseUri = baseUri;
    }

    public FlvPlugin Plugin { get; }

    public TestPluginContext Context { get; }

    public Uri BaseUri { get; }

    public Uri WebSocketUri(string path) => new UriBuilder(BaseUri) { Scheme = "ws", Path = path }.Uri;

    /// <summary>The plugin section with <c>direct_send</c> set: players written straight to the socket, or through Kestrel.</summary>
    public static Dictionary<string, object> Options(bool directSend) => new() { ["direct_send"] = directSend };

    public static async Task<FlvTestServer> StartAsync(TestHub hub, Dictionary<string, object>? config = null)
    {
        var context = new TestPluginContext(hub, config, "flv");
        var plugin = new FlvPlugin();
        await context.StartAsync(plugin);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(http =>
        {
            string path = (http.Request.Path.Value ?? string.Empty).TrimStart('/');
            foreach (var (suffix, handler) in context.HttpSuffixes)
            {
                if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return handler(http, path);
                }
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FlvTestServer(app, plugin, context, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await Plugin.StopAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
