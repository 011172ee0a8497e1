using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Hooks;

/// <summary>A real Kestrel on 127.0.0.1 (free port) whose handler the test supplies; it records every request.</summary>
internal sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHttpServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public sealed record Recorded(string Method, string Path, string Query, string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers);

    public static async Task<TestHttpServer> StartAsync(Func<HttpContext, Recorded, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TestHttpServer? server = null;
        app.Run(async http =>
        {
            string body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var recorded = new Recorded(
                http.Request.Method,
                http.Request.Path.Value ?? "",
                http.Request.QueryString.Value ?? "",
                body,
                http.Request.ContentType,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
            server!.Requests.Enqueue(recorded);
            await handler(http, recorded);
        });
        await app.StartAsync();
        server = new TestHttpServer(app, app.Urls.First().TrimEnd('/'));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
