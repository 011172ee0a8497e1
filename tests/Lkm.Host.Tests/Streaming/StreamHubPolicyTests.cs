using System.Collections.Concurrent;
using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Host.Tests.Streaming;

/// <summary>Routes and hooks as the engine applies them: protocol rules, player limits, decisions, timeouts.</summary>
public sealed class StreamHubPolicyTests : IAsyncDisposable
{
    private readonly TransStreamRegistry _registry = new();
    private readonly ScriptedHooks _hooks = new();
    private StreamHub? _hub;

    public StreamHubPolicyTests()
    {
        _registry.Register(new TestTransStreamFactory());
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StreamHub Hub(StreamPolicy policy) =>
        _hub ??= new StreamHub(new LiveRoutes(RouteTable.Fixed(policy)), _registry, NullLoggerFactory.Instance, _hooks);

    [Fact]
    public async Task Publish_denied_by_its_hook_is_refused_with_the_reason()
    {
        _hooks.Answer = (ev, ctx) => ev == HookEvent.OnPublish ? new HookDecision(ctx.Query.GetValueOrDefault("token") == "abc", "bad token", true) : new HookDecision(true, null, false);
        var hub = Hub(new StreamPolicy());
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await hub.PublishAsync(new PublishRequest { StreamId = "live/a", Protocol = "rtmp" }, Ct));
        Assert.Equal(DenyReason.Forbidden, ex.Reason);
        Assert.Equal("bad token", ex.Message);

        var ok = await hub.PublishAsync(new PublishRequest { StreamId = "live/a", Protocol = "rtmp", Query = new Dictionary<string, string> { ["token"] = "abc" } }, Ct);
        var call = Assert.Single(_hooks.Calls, c => c.Event == HookEvent.OnPublish && c.Context.Query.ContainsKey("token"));
        Assert.Equal("live", call.Context.App);
        Assert.Equal("a", call.Context.Name);
        await ok.DisposeAsync();
        await Media.EventuallyAsync(() => _hooks.Calls.Any(c => c.Event == HookEvent.OnPublishDone), "on_publish_done");
    }

    [Fact]
    public async Task Play_over_a_protocol_the_route_does_not_allow_is_refused_before_any_hook()
    {
        var hub = Hub(new StreamPolicy { Protocols = new HashSet<string> { "rtmp" } });
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await hub.PlayAsync(new PlayRequest { StreamId = "live/a", Protocol = "test" }, new RecordingSink(), Ct));
        Assert.Equal(DenyReason.Forbidden, ex.Reason);
        Assert.Empty(_hooks.Calls);
    }

    [Fact]
    public async Task Max_players_limits_a_stream()
    {
        var hub = Hub(new StreamPolicy { MaxPlayers = 1 });
        await using var first = await hub.PlayAsync(new PlayRequest { StreamId = "live/m", Protocol = "test" }, new RecordingSink(), Ct);
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await hub.PlayAsync(new PlayRequest { StreamId = "live/m", Protocol = "test" }, new RecordingSink(), Ct));
        Assert.Contains("maximum of 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_source_is_closed_without_a_hook()
    {
        var hub = Hub(new StreamPolicy { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        var publisher = await hub.PublishAsync(new PublishRequest { StreamId = "live/idle", Protocol = "rtmp" }, Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: true);
        await Media.EventuallyAsync(() => publisher.Closed.IsCancellationRequested, "idle close", 3000);
        Assert.Contains(_hooks.Calls, c => c.Event == HookEvent.OnIdleTimeout);
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Idle_source_is_kept_while_its_hook_says_true()
    {
        _hooks.Answer = (ev, _) => new HookDecision(true, null, ev == HookEvent.OnIdleTimeout);
        var hub = Hub(new StreamPolicy { IdleTimeout = TimeSpan.FromMilliseconds(200) });
        var publisher = await hub.PublishAsync(new PublishRequest { StreamId = "live/keep", Protocol = "rtmp" }, Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        for (int i = 0; i < 20; i++)
        {
            Media.WriteFrame(publisher, v, i * 40, key: i == 0);
            await Task.Delay(60, Ct);
        }

        Assert.True(_hooks.Calls.Count(c => c.Event == HookEvent.OnIdleTimeout) >= 2);
        Assert.False(publisher.Closed.IsCancellationRequested);
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Source_that_stops_sending_is_closed_by_the_receive_timeout()
    {
        var hub = Hub(new StreamPolicy { ReceiveTimeout = TimeSpan.FromMilliseconds(300) });
        var sink = new RecordingSink();
        await using var handle = await hub.PlayAsync(new PlayRequest { StreamId = "live/silent", Protocol = "test" }, sink, Ct);
        var publisher = await hub.PublishAsync(new PublishRequest { StreamId = "live/silent", Protocol = "rtmp" }, Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: true);
        await Media.EventuallyAsync(() => publisher.Closed.IsCancellationRequested, "receive timeout", 3000);
        await Media.EventuallyAsync(() => sink.IsClosed, "player closed with the source", 3000);
        Assert.Contains("receive timeout", sink.CloseReason, StringComparison.Ordinal);
        await publisher.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }
}
