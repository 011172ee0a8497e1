using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Lkm.Host.Api;
using Lkm.Host.Plugins;
using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Host.Networking;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Host.Tests.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Host.Tests.Api;

/// <summary>The host's HTTP side (ApiPipeline) in-process on 127.0.0.1:0, over a real StreamHub, and an HttpClient for it.</summary>
internal sealed class ApiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiTestServer(WebApplication app, StreamHub hub, HookEngine hooks, Uri baseAddress)
    {
        _app = app;
        Hub = hub;
        Hooks = hooks;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public StreamHub Hub { get; }

    public HookEngine Hooks { get; }

    public HttpClient Client { get; }

    public static async Task<ApiTestServer> StartAsync(string yaml = "", PluginApiRouter? pluginApis = null, PlayUrlTemplates? playUrls = null)
    {
        var config = ConfigLoader.Parse(yaml, "/tmp/api-test.yaml");
        var registry = new TransStreamRegistry();
        registry.Register(new TestTransStreamFactory());
        var hub = new StreamHub(new LiveRoutes(RouteTable.Fixed(new StreamPolicy { MergeWriteMs = 0 })), registry, NullLoggerFactory.Instance);
        var hooks = new HookEngine(NullLoggerFactory.Instance);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        ApiPipeline.Use(app, new ApiServices(config, hub, new NoPlugins(), hooks, pluginApis, playUrls), new HttpSuffixRouter(), NullLoggerFactory.Instance);
        await app.StartAsync(TestContext.Current.CancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiTestServer(app, hub, hooks, new Uri(address));
    }

    /// <summary>Calls the API and returns the HTTP status and the parsed envelope.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path, HttpContent? content = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? token = null) => CallAsync(HttpMethod.Get, path, null, token);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Hub.DisposeAsync();
        await Hooks.DisposeAsync();
    }
}

/// <summary>A server with no plugins loaded.</summary>
internal sealed class NoPlugins : IPluginRegistry
{
    public IReadOnlyList<LoadedPlugin> Plugins => [];

    public long Swaps => 0;

    public long RefusedLoads => 0;

    public IReadOnlyList<Lkm.Sdk.Plugins.PortPool> PortPoolsOf(string name) => [];

    public Task<LoadedPlugin?> ReloadAsync(string name, CancellationToken cancellationToken) => Task.FromResult<LoadedPlugin?>(null);
}
