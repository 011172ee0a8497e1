using System.Net;
using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Host.Tests.Streaming;

/// <summary>
/// A publish reserved before its device sends (<see cref="PublishRequest.AuthorizeLater"/>, GB28181 source/create): the
/// id is taken at once, on_publish runs at <see cref="IPublisher.AuthorizeAsync"/> with the sender, and only an
/// allowed publish ends with on_publish_done.
/// </summary>
public sealed class ReservedPublishTests : IAsyncDisposable
{
    private readonly TransStreamRegistry _registry = new();
    private readonly ScriptedHooks _hooks = new();
    private readonly StreamHub _hub;

    public ReservedPublishTests()
    {
        _registry.Register(new TestTransStreamFactory());
        _hub = new StreamHub(new LiveRoutes(RouteTable.Fixed(new StreamPolicy())), _registry, NullLoggerFactory.Instance, _hooks);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_id_is_taken_at_once_and_on_publish_runs_at_the_first_packet_with_the_sender()
    {
        var reserved = await _hub.PublishAsync(new PublishRequest { StreamId = "dev/ch1", Protocol = "28181", AuthorizeLater = true }, Ct);
        Assert.DoesNotContain(_hooks.Calls, c => c.Event == HookEvent.OnPublish);
        var second = await Assert.ThrowsAsync<StreamDeniedException>(async () => await _hub.PublishAsync(new PublishRequest { StreamId = "dev/ch1", Protocol = "rtmp" }, Ct));
        Assert.Equal(DenyReason.AlreadyPublished, second.Reason);

        int track = reserved.AddTrack(Media.Video);
        Assert.Throws<InvalidOperationException>(() => Media.WriteFrame(reserved, track, 0, key: true));

        var device = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 15060);
        await reserved.AuthorizeAsync(device, Ct);
        var call = Assert.Single(_hooks.Calls, c => c.Event == HookEvent.OnPublish);
        Assert.Equal("10.1.2.3:15060", call.Context.RemoteAddr);
        Assert.Equal("28181", call.Context.Protocol);

        reserved.TracksComplete();
        Media.WriteFrame(reserved, track, 0, key: true);
        await reserved.DisposeAsync();
        await Media.EventuallyAsync(() => _hooks.Calls.Any(c => c.Event == HookEvent.OnPublishDone), "on_publish_done");
    }

    [Fact]
    public async Task A_refusal_at_the_first_packet_throws_and_the_publish_never_counts_as_done()
    {
        _hooks.Answer = (ev, _) => ev == HookEvent.OnPublish ? new HookDecision(false, "unknown device", true) : new HookDecision(true, null, false);
        var reserved = await _hub.PublishAsync(new PublishRequest { StreamId = "dev/ch2", Protocol = "28181", AuthorizeLater = true }, Ct);
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await reserved.AuthorizeAsync(null, Ct));
        Assert.Equal(DenyReason.Forbidden, ex.Reason);
        Assert.Equal("unknown device", ex.Message);
        await reserved.DisposeAsync();

        // The id is free again, and the refused publish left no on_publish_done behind.
        _hooks.Answer = (_, _) => new HookDecision(true, null, false);
        var next = await _hub.PublishAsync(new PublishRequest { StreamId = "dev/ch2", Protocol = "rtmp" }, Ct);
        await next.DisposeAsync();
        await Media.EventuallyAsync(() => _hooks.Calls.Count(c => c.Event == HookEvent.OnPublishDone) == 1, "one on_publish_done");
        await Task.Delay(100, Ct);
        Assert.Single(_hooks.Calls, c => c.Event == HookEvent.OnPublishDone && c.Context.Protocol == "rtmp");
    }

    [Fact]
    public async Task A_reserved_stream_closed_before_its_first_packet_is_refused_then()
    {
        var reserved = await _hub.PublishAsync(new PublishRequest { StreamId = "dev/ch3", Protocol = "28181", AuthorizeLater = true }, Ct);
        Assert.True(_hub.Close("dev/ch3", "api"));
        await reserved.DisposeAsync();
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await reserved.AuthorizeAsync(null, Ct));
        Assert.Equal(DenyReason.Unavailable, ex.Reason);
    }

    [Fact]
    public async Task A_publish_authorized_at_once_answers_authorize_at_once()
    {
        var publisher = await _hub.PublishAsync(new PublishRequest { StreamId = "live/x", Protocol = "rtmp" }, Ct);
        await publisher.AuthorizeAsync(null, Ct);
        Assert.Single(_hooks.Calls, c => c.Event == HookEvent.OnPublish);
        await publisher.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();
}
