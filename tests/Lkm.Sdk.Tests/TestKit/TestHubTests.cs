using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;

namespace Lkm.Sdk.Tests.TestKit;

/// <summary>The kit's stand-ins play the host's role as the SDK contract says.</summary>
public sealed class TestHubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hub_passes_its_configured_queue_limits_on_every_send()
    {
        var limits = new SinkQueueLimits { MaxQueuedBytes = 1234, MaxLagMs = 56 };
        var header = Segment.CopyOf([1]);
        var media = Segment.CopyOf([2, 3]);
        var hub = new TestHub { Content = [header, media], Limits = limits };
        var sink = new LimitsSink();

        await using var handle = await hub.PlayAsync(new PlayRequest { StreamId = "live/a", Protocol = "test" }, sink, Ct);
        var play = await hub.NextPlayAsync();

        Assert.Same(sink, play.Sink);
        await sink.Sent.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal([limits, limits], sink.Limits);
        Assert.Equal([1, 2, 3], sink.Bytes);
    }

    [Fact]
    public async Task Hub_uses_the_default_limits_unless_told_otherwise_and_closes_a_sink_that_refuses()
    {
        var segment = Segment.CopyOf([1]);
        var hub = new TestHub { Content = [segment, segment] };
        var sink = new LimitsSink { Refuse = true };

        await using var handle = await hub.PlayAsync(new PlayRequest { StreamId = "live/a", Protocol = "test" }, sink, Ct);

        Assert.Equal("too slow", await sink.Closed.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal([SinkQueueLimits.Default], sink.Limits); // the second segment was never offered
    }

    [Fact]
    public async Task Hub_refuses_a_second_publisher_of_a_live_stream_and_frees_the_id_on_dispose()
    {
        var hub = new TestHub();
        var request = new PublishRequest { StreamId = "live/a", Protocol = "test" };
        var first = await hub.PublishAsync(request, Ct);
        var denied = await Assert.ThrowsAsync<StreamDeniedException>(async () => await hub.PublishAsync(request, Ct));
        Assert.Equal(DenyReason.AlreadyPublished, denied.Reason);
        Assert.Same(first, await hub.NextPublisherAsync(TimeSpan.FromSeconds(1)));

        await first.DisposeAsync();
        Assert.Null(hub.Live("live/a"));
        await using var second = await hub.PublishAsync(request, Ct);
        Assert.Same(second, hub.Live("live/a"));
    }

    [Fact]
    public async Task Plugin_context_listens_on_a_free_loopback_port_and_hands_over_connections()
    {
        await using var context = new TestPluginContext(new TestHub(), new Dictionary<string, object> { ["port"] = 0, ["unused"] = 1 }, "demo");
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        int port = context.Config.GetInt("port", 1935, 0, 65535);
        await using var listener = context.ListenTcp("demo", new IPEndPoint(IPAddress.Loopback, port), (socket, _) =>
        {
            accepted.TrySetResult(socket);
            return Task.CompletedTask;
        });

        Assert.NotEqual(0, context.BoundEndPoint!.Port);
        Assert.Equal(context.BoundEndPoint, context.ListenerEndPoints["demo"]);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(context.BoundEndPoint, Ct);
        using var server = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        Assert.Equal(["unused"], context.Settings.UnreadKeys);
        context.Config.Report("port", "must not be 0 here");
        Assert.Equal(["'plugins.demo.port' must not be 0 here, not '0'"], context.Settings.Errors);
    }

    private sealed class LimitsSink : ISink
    {
        public bool Refuse { get; init; }

        public List<SinkQueueLimits> Limits { get; } = [];

        public List<byte> Bytes { get; } = [];

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id => "sink";

        public string Protocol => "test";

        public string TransProtocol => "test";

        public EndPoint? RemoteEndPoint => null;

        public Task Completion => Closed.Task;

        public long BytesSent => Bytes.Count;

        public Exception? Fault => null;

        public bool TrySend(Segment segment, SinkQueueLimits limits)
        {
            Limits.Add(limits);
            if (Refuse)
            {
                return false;
            }

            Bytes.AddRange(segment.Memory.ToArray());
            if (Limits.Count == 2)
            {
                Sent.TrySetResult();
            }

            return true;
        }

        public void Close(SinkCloseCause cause, string reason) => Closed.TrySetResult(reason);
    }
}
