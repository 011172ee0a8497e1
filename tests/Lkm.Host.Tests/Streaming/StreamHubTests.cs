using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Host.Tests.Streaming;

public sealed class StreamHubTests : IAsyncDisposable
{
    private readonly TransStreamRegistry _registry = new();
    private StreamHub? _hub;

    public StreamHubTests()
    {
        _registry.Register(new TestTransStreamFactory());
    }

    private StreamHub Hub(StreamPolicy? policy = null) =>
        _hub ??= new StreamHub(new LiveRoutes(RouteTable.Fixed(policy ?? new StreamPolicy { MergeWriteMs = 0 })), _registry, NullLoggerFactory.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PublishRequest Publish(string id) => new() { StreamId = id, Protocol = "rtmp" };

    private static PlayRequest Play(string id) => new() { StreamId = id, Protocol = "test" };

    [Fact]
    public async Task Player_that_comes_first_gets_header_then_the_stream_from_a_keyframe()
    {
        var hub = Hub();
        var sink = new RecordingSink();
        await using var handle = await hub.PlayAsync(Play("live/a"), sink, Ct);

        var publisher = await hub.PublishAsync(Publish("live/a"), Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: false); // before any keyframe: never sent
        Media.WriteFrame(publisher, v, 40, key: true);
        Media.WriteFrame(publisher, v, 80, key: false);

        await Media.EventuallyAsync(() => sink.FrameDts().Count == 2, "two frames");
        Assert.Equal("HDR"u8.ToArray(), sink.Received[0]);
        Assert.Equal([40L, 80L], sink.FrameDts());
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Joining_player_gets_the_cached_gop_at_once()
    {
        var hub = Hub(new StreamPolicy { MergeWriteMs = 350 });
        var publisher = await hub.PublishAsync(Publish("live/gop"), Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        for (int i = 0; i < 10; i++)
        {
            Media.WriteFrame(publisher, v, i * 40, key: i % 5 == 0);
        }

        // The first player creates the trans stream, primed from the GOP cache (frames 200..360).
        var sink = new RecordingSink();
        await Task.Delay(100, TestContext.Current.CancellationToken);
        await using var handle = await hub.PlayAsync(Play("live/gop"), sink, Ct);
        await Media.EventuallyAsync(() => sink.FrameDts().Count == 5, "the cached GOP");
        Assert.Equal([200L, 240L, 280L, 320L, 360L], sink.FrameDts());

        // A second player joins mid-window: the pending window is flushed so it gets everything too.
        Media.WriteFrame(publisher, v, 400, key: true);
        Media.WriteFrame(publisher, v, 440, key: false);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        var second = new RecordingSink();
        await using var handle2 = await hub.PlayAsync(Play("live/gop"), second, Ct);
        await Media.EventuallyAsync(() => second.FrameDts().Count == 2, "the current GOP");
        Assert.Equal([400L, 440L], second.FrameDts());
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Second_publisher_of_a_live_id_is_refused()
    {
        var hub = Hub();
        var first = await hub.PublishAsync(Publish("live/dup"), Ct);
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await hub.PublishAsync(Publish("live/dup"), Ct));
        Assert.Equal(DenyReason.AlreadyPublished, ex.Reason);
        await first.DisposeAsync();
    }

    [Fact]
    public async Task Publisher_that_returns_within_the_resume_window_continues_with_continuous_timestamps()
    {
        var hub = Hub();
        var sink = new RecordingSink();
        await using var handle = await hub.PlayAsync(Play("live/r"), sink, Ct);
        var a = await hub.PublishAsync(Publish("live/r"), Ct);
        int v = a.AddTrack(Media.Video);
        a.TracksComplete();
        for (int i = 0; i <= 10; i++)
        {
            Media.WriteFrame(a, v, i * 40, key: i == 0);
        }

        await Media.EventuallyAsync(() => sink.FrameDts().Count == 11, "first publisher's frames");
        await a.DisposeAsync();

        var b = await hub.PublishAsync(Publish("live/r"), Ct);
        int v2 = b.AddTrack(Media.Video);
        b.TracksComplete();
        Media.WriteFrame(b, v2, 0, key: true);
        Media.WriteFrame(b, v2, 40, key: false);

        await Media.EventuallyAsync(() => sink.FrameDts().Count == 13, "resumed frames");
        var dts = sink.FrameDts();
        Assert.Equal(440L, dts[11]);
        Assert.Equal(480L, dts[12]);
        Assert.False(sink.IsClosed);
        await b.DisposeAsync();
    }

    [Fact]
    public async Task Player_that_stops_reading_is_disconnected_and_others_keep_receiving()
    {
        var hub = Hub(new StreamPolicy { MergeWriteMs = 0, SinkLimits = new SinkQueueLimits { MaxLagMs = 500 } });
        var publisher = await hub.PublishAsync(Publish("live/slow"), Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        var stalled = new RecordingSink(stalled: true);
        var healthy = new RecordingSink();
        await using var h1 = await hub.PlayAsync(Play("live/slow"), stalled, Ct);
        await using var h2 = await hub.PlayAsync(Play("live/slow"), healthy, Ct);
        for (int i = 0; i < 50; i++)
        {
            // Paced (2 s of media in ~0.5 s): the stream's 500 ms lag bound applies to the healthy player too.
            Media.WriteFrame(publisher, v, i * 40, key: i % 25 == 0);
            await Task.Delay(10, Ct);
        }

        await Media.EventuallyAsync(() => healthy.FrameDts().Count == 50, "all frames at the healthy player");
        await Media.EventuallyAsync(() => stalled.IsClosed, "the stalled player closed");
        Assert.Contains("too slow", stalled.CloseReason, StringComparison.Ordinal);
        Assert.Equal(SinkCloseCause.TooSlow, stalled.CloseCause);
        Assert.False(healthy.IsClosed);
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task Player_waiting_longer_than_wait_timeout_is_closed_as_not_found()
    {
        var hub = Hub(new StreamPolicy { WaitTimeout = TimeSpan.FromMilliseconds(300) });
        var sink = new RecordingSink();
        await using var handle = await hub.PlayAsync(Play("live/nobody"), sink, Ct);
        await Media.EventuallyAsync(() => sink.IsClosed, "wait timeout", 3000);
        Assert.Contains("not published", sink.CloseReason, StringComparison.Ordinal);
        Assert.Equal(SinkCloseCause.NotFound, sink.CloseCause); // what the plugin answers as 404 / StreamNotFound
        Assert.False(sink.HasStarted, "a player whose stream never started was never started");
    }

    [Fact]
    public async Task Players_are_closed_when_the_publisher_does_not_return_within_the_resume_window()
    {
        var hub = Hub(new StreamPolicy { MergeWriteMs = 0, ResumeWindow = TimeSpan.FromMilliseconds(300) });
        var sink = new RecordingSink();
        await using var handle = await hub.PlayAsync(Play("live/gone"), sink, Ct);
        var a = await hub.PublishAsync(Publish("live/gone"), Ct);
        int v = a.AddTrack(Media.Video);
        a.TracksComplete();
        Media.WriteFrame(a, v, 0, key: true);
        await Media.EventuallyAsync(() => sink.FrameDts().Count == 1, "a frame");
        await a.DisposeAsync();
        await Media.EventuallyAsync(() => sink.IsClosed, "stream ended", 3000);
        Assert.Contains("ended", sink.CloseReason, StringComparison.Ordinal);
        Assert.Equal(SinkCloseCause.StreamEnded, sink.CloseCause);
        Assert.True(sink.HasStarted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/live")]
    [InlineData("live/")]
    [InlineData("live//a")]
    [InlineData("live/../etc")]
    public async Task Bad_stream_ids_are_refused(string id)
    {
        var ex = await Assert.ThrowsAsync<StreamDeniedException>(async () => await Hub().PublishAsync(Publish(id), Ct));
        Assert.Equal(DenyReason.BadRequest, ex.Reason);
    }

    [Fact]
    public async Task Late_audio_track_joins_a_live_stream()
    {
        var hub = Hub();
        var sink = new RecordingSink();
        await using var handle = await hub.PlayAsync(Play("live/late"), sink, Ct);
        var publisher = await hub.PublishAsync(Publish("live/late"), Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: true);
        int a = publisher.AddTrack(Media.Audio);
        Media.WriteFrame(publisher, a, 20, key: true);
        await Media.EventuallyAsync(() => sink.FrameDts().Count == 2, "video and late audio");
        var info = await hub.DescribeAsync("live/late");
        Assert.NotNull(info);
        Assert.Equal(2, info.Tracks.Count);
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
