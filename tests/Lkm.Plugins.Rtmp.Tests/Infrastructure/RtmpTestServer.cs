using System.Net;
using Lkm.Sdk.Streaming;
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

        var hub = new TestHub();
        var context = new TestPluginContext(hub, settings);
        var plugin = new RtmpPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        return new RtmpTestServer(plugin, context, hub);
    }

    public Task<RawRtmpClient> ConnectAsync() => RawRtmpClient.ConnectAsync(EndPoint);

    public IReadOnlyList<LogEntry> Warnings => Context.Logs.AtLeast(LogLevel.Warning);

    /// <summary>Waits for every connection to end and checks none of them let an exception escape.</summary>
    public Task WhenConnectionsEndedAsync() => Context.WhenConnectionsEndedAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await Plugin.StopAsync(CancellationToken.None);
        await Context.DisposeAsync();
        Assert.DoesNotContain(Context.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
