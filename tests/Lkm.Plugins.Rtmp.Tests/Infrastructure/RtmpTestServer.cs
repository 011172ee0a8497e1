using System.Net;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Testing.Rtmp;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>The RTMP plugin started in a <see cref="TestPluginContext"/> on 127.0.0.1 with a free port.</summary>
internal sealed class RtmpTestServer : IAsyncDisposable
{
    private RtmpTestServer(RtmpPlugin plugin, TestPluginContext context, TestHub hub)
    {
        Plugin = plugin;
        Context = context;
        Hub = hub;
    }

    public RtmpPlugin Plugin { get; }

    public TestPluginContext Context { get; }

    public TestHub Hub { get; }

    public IPEndPoint EndPoint => Context.BoundEndPoint!;

    public ITransStreamFactory Factory => Assert.Single(Context.TransStreamFactories);

    public static async Task<RtmpTestServer> StartAsync(Dictionary<string, object>? config = null)
    {
        var settings = new Dictionary<string, object> { ["port"] = 0, ["listen"] = "127.0.0.1" };
        foreach (var pair in config ?? [])
        {
            settings[pair.Key] = pair.Value;
        }

        // Plays are refused as not found unless a test attaches them (OnPlay).
        var hub = new TestHub { OnPlay = (request, _) => throw new StreamDeniedException(DenyReason.BadRequest, $"{request.StreamId} not found") };
        var context = new TestPluginContext(hub, settings, "rtmp");
        var plugin = new RtmpPlugin();
        await context.StartAsync(plugin);
        return new RtmpTestServer(plugin, context, hub);
    }

    public Task<RawRtmpClient> ConnectAsync()
    {
        Interlocked.Increment(ref _clients);
        return RawRtmpClient.ConnectAsync(EndPoint);
    }

    private int _clients;

    public IReadOnlyList<LogEntry> Warnings => Context.Logs.AtLeast(LogLevel.Warning);

    /// <summary>Waits for every connection to end and checks none of them let an exception escape.</summary>
    public async Task WhenConnectionsEndedAsync()
    {
        // A client's TCP connect completes from the listen backlog before the accept loop has started its
        // handler: wait until every connected client has one, or WhenAll would see too few and return early.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Context.Connections.Count < Volatile.Read(ref _clients) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        await Context.WhenConnectionsEndedAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await Plugin.StopAsync(CancellationToken.None);
        await Context.DisposeAsync();
        Assert.DoesNotContain(Context.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
