using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Lkm.Host.Api;
using Lkm.Host.Configuration;
using Lkm.Host.Networking;
using Lkm.Host.Plugins;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Testing;

namespace Lkm.Host.Tests.Plugins;

/// <summary>
/// What a plugin version registers is staged until it is put in force: API calls and play URLs appear only at
/// commit, a newer version's replace the older's, and the older's release leaves the newer's in place; a play
/// URL names the port its listener really got.
/// </summary>
public sealed class PluginContextTests
{
    private readonly PluginHostParts _parts = new(new HttpSuffixRouter(), new TransStreamRegistry(), new ListenerTable(), new PluginApiRouter(), new PlayUrlTemplates(), new PortPoolTable());

    [Fact]
    public async Task Api_calls_and_play_urls_appear_at_commit_and_pass_to_the_next_version()
    {
        string path = PluginApiRouter.FullPath("demo", "ping");
        var v1 = Context(1);
        v1.MapApi("ping", Answer("v1"));
        v1.AddPlayUrl("DEMO", "demo://{host}/{id}?v=1");
        Assert.False(_parts.Apis.Serves(path));
        Assert.Empty(_parts.PlayUrls.All);

        v1.Commit();
        Assert.True(_parts.Apis.Serves(path));
        Assert.Equal("demo://{host}/{id}?v=1", Assert.Single(_parts.PlayUrls.All).Template);

        var v2 = Context(2);
        v2.MapApi("ping", Answer("v2"));
        v2.AddPlayUrl("DEMO", "demo://{host}/{id}?v=2");
        v2.Commit();
        await v1.ReleaseAsync();

        Assert.True(_parts.Apis.Serves(path));
        Assert.Equal("demo://{host}/{id}?v=2", Assert.Single(_parts.PlayUrls.All).Template);
        await v2.ReleaseAsync();
        Assert.False(_parts.Apis.Serves(path));
        Assert.Empty(_parts.PlayUrls.All);
    }

    [Fact]
    public async Task A_version_that_never_committed_leaves_nothing_behind()
    {
        var v1 = Context(1);
        v1.MapApi("ping", Answer("v1"));
        v1.AddPlayUrl("DEMO", "demo://{host}/{id}");
        await using var listener = v1.ListenTcp("demo", new IPEndPoint(IPAddress.Loopback, 0), (_, _) => Task.CompletedTask);
        int port = Assert.Single(v1.Listeners).EndPoint.Port;

        await v1.ReleaseAsync();

        Assert.False(_parts.Apis.Serves(PluginApiRouter.FullPath("demo", "ping")));
        Assert.Empty(_parts.PlayUrls.All);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAnyAsync<SocketException>(async () => await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_play_url_names_the_port_its_listener_got()
    {
        var v1 = Context(1);
        await using var listener = v1.ListenTcp("demo", new IPEndPoint(IPAddress.Loopback, 0), (_, _) => Task.CompletedTask);
        v1.AddPlayUrl("DEMO", "demo://{host}:{port:demo}/{id}");
        v1.Commit();

        int port = Assert.Single(v1.Listeners).EndPoint.Port;
        Assert.Equal($"demo://h:{port}/s", _parts.PlayUrls.For("s", "h", 80).Single().Url);
        await v1.ReleaseAsync();
    }

    [Fact]
    public void A_port_pool_is_the_same_for_every_version_of_a_plugin_and_its_rented_ports_stay_rented()
    {
        var pool = Context(1).CreatePortPool("rtp", 50000, 50009);
        Assert.True(pool.TryRent(out var held));

        var next = Context(2).CreatePortPool("rtp", 50000, 50019); // the new version's config widened the range
        Assert.Same(pool, next);
        Assert.Equal((50000, 50019, 1), (next.First, next.Last, next.InUse));
        Assert.False(next.TryRent(held.Port, out _));
        held.Dispose();
        Assert.Equal(0, next.InUse);
        Assert.Same(pool, Assert.Single(_parts.PortPools.Of("demo")));
    }

    [Fact]
    public async Task A_publish_outside_a_counted_connection_is_a_session_of_its_version_until_disposed()
    {
        var context = Context(1);
        var plugin = context.Owner;

        // E.g. a GB28181 source fed by UDP datagrams: nothing else counts it.
        var publisher = await context.Hub.PublishAsync(new Lkm.Sdk.Streaming.PublishRequest { StreamId = "dev/1", Protocol = "28181" }, TestContext.Current.CancellationToken);
        Assert.Equal(1, plugin.LiveSessions);
        await publisher.DisposeAsync();
        await publisher.DisposeAsync();
        Assert.Equal(0, plugin.LiveSessions);

        // Inside an accepted connection the connection is the session: its publish is not counted again.
        var published = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = context.ListenTcp("demo", new IPEndPoint(IPAddress.Loopback, 0), async (_, ct) =>
        {
            var inner = await context.Hub.PublishAsync(new Lkm.Sdk.Streaming.PublishRequest { StreamId = "dev/2", Protocol = "demo" }, ct);
            published.SetResult(plugin.LiveSessions);
            await inner.DisposeAsync();
        });
        context.Commit();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(Assert.Single(context.Listeners).EndPoint, TestContext.Current.CancellationToken);
        Assert.Equal(1, await published.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        await context.ReleaseAsync();
    }

    private PluginContext Context(int generation)
    {
        var plugin = new LoadedPlugin("demo", generation, "/plugins/demo", "/plugins/demo/demo.dll", new Version(1, generation), null, null);
        var config = new PluginConfig(new YamlSection("test.yaml", "plugins.demo", null));
        var context = new PluginContext(plugin, config, new TestLoggerFactory(), new TestHub(), _parts, ServerAddresses.Loopback, CancellationToken.None);
        plugin.Context = context;
        return context;
    }

    private static PluginApiHandler Answer(string text) => (_, _) => ValueTask.FromResult<JsonNode?>(JsonValue.Create(text));
}
