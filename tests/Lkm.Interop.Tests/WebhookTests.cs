using System.Collections.Concurrent;
using System.Text.Json;
using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Testing.Flv;
using Lkm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lkm.Interop.Tests;

/// <summary>
/// scripts/examples/webhook.js against a stand-in for an LKM business server (e.g. gb-cms): the LKM
/// JSON bodies and queries arrive, 200 allows, 403 denies, a held on_play answer keeps the player
/// waiting, and an idle source is closed when on_idle_timeout answers 403.
/// </summary>
public sealed class WebhookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Webhook_script_speaks_lkm_web_hooks_to_a_business_server()
    {
        _ = ExternalTools.Ffmpeg;
        var calls = new ConcurrentQueue<HookCall>();
        var onDemandPublished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var onDemandAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var business = await StartBusinessServerAsync(calls, onDemandAsked, onDemandPublished);

        using var dir = new TempDir();
        string script = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "examples", "webhook.js"))
            .Replace("const BASE = 'http://127.0.0.1:9000/api/v1/hook';", $"const BASE = '{business.Url}/api/v1/hook';", StringComparison.Ordinal);
        Assert.Contains(business.Url, script, StringComparison.Ordinal);
        dir.Write("webhook.js", script);
        await using var host = await HostProcess.StartWithConfigAsync(dir.Write("lkm.yaml", """
            hooks:
              script: webhook.js
              timeout: 1s
            routes:
              - match: "idle/**"
                idle_timeout: 2s
            """));

        // on_publish 200: allowed, with LKM's body and the publisher's query on the hook URL.
        await using var allowed = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/a?k=v"));
        await host.WaitForLogAsync(l => l.Contains("live/a: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var publish = Assert.Single(calls, c => c.Event == "on_publish" && c.Stream == "live/a");
        Assert.Equal("rtmp", publish.Protocol);
        Assert.StartsWith("127.0.0.1:", publish.RemoteAddr, StringComparison.Ordinal);
        Assert.Equal("?k=v", publish.Query);

        // on_publish 403: refused.
        await using (var denied = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/deny")))
        {
            Assert.NotEqual(0, await denied.WaitAsync(TimeSpan.FromSeconds(20)));
        }

        Assert.Contains(calls, c => c.Event == "on_publish" && c.Stream == "live/deny");

        // on_play held by the business server until it has the stream published (pull on demand).
        var player = FlvCapture.HttpAsync(host.HttpPort, "live/ondemand.flv?user=7", TimeSpan.FromSeconds(10));
        await onDemandAsked.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await using var onDemand = FfmpegProcess.PublishTestStream(host.RtmpUrl("live/ondemand"));
        await host.WaitForLogAsync(l => l.Contains("live/ondemand: live with", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        onDemandPublished.TrySetResult();
        var summary = FlvCheck.Validate(await player);
        Assert.True(summary.VideoTags > 20, $"the on-demand player got only {summary.VideoTags} video tags");
        var play = Assert.Single(calls, c => c.Event == "on_play" && c.Stream == "live/ondemand");
        Assert.Equal("flv", play.Protocol);
        Assert.Equal("?user=7", play.Query);
        await host.WaitForLogAsync(_ => calls.Any(c => c.Event == "on_play_done" && c.Stream == "live/ondemand" && c.Sink is not null), TimeSpan.FromSeconds(10));

        // on_idle_timeout 403: the idle source is closed.
        await using var idle = FfmpegProcess.PublishTestStream(host.RtmpUrl("idle/cam"));
        Assert.NotEqual(0, await idle.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(calls, c => c.Event == "on_idle_timeout" && c.Stream == "idle/cam");
    }

    private sealed record HookCall(string Event, string? Stream, string? Protocol, string? RemoteAddr, string? Sink, string Query);

    private sealed class BusinessServer(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    private static async Task<BusinessServer> StartBusinessServerAsync(ConcurrentQueue<HookCall> calls, TaskCompletionSource onDemandAsked, TaskCompletionSource onDemandPublished)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/api/v1/hook/{hookEvent}", async (string hookEvent, HttpContext http) =>
        {
            using var json = await JsonDocument.ParseAsync(http.Request.Body);
            var root = json.RootElement;
            string? Get(string name) => root.TryGetProperty(name, out var v) ? v.GetString() : null;
            var call = new HookCall(hookEvent, Get("stream"), Get("protocol"), Get("remote_addr"), Get("sink"), http.Request.QueryString.Value ?? "");
            calls.Enqueue(call);
            if (hookEvent == "on_publish" && call.Stream == "live/deny")
            {
                return Results.StatusCode(403);
            }

            if (hookEvent == "on_play" && call.Stream == "live/ondemand")
            {
                onDemandAsked.TrySetResult();
                await onDemandPublished.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }

            return hookEvent == "on_idle_timeout" ? Results.StatusCode(403) : Results.Ok();
        });
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BusinessServer(app, url);
    }
}
