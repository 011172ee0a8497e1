using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Tests.Streaming;

/// <summary>The writer loop's wake-up: the source loop's TrySend must never run a player's write itself.</summary>
public sealed class SinkBaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TrySend_to_a_waiting_writer_loop_returns_before_the_write_runs()
    {
        var sink = new BlockingSink();
        var run = sink.RunAsync();

        // The queue completes the loop's wait on the sending thread; the loop must leave that thread's stack at once
        // (it may run on the same thread later, from its local queue).
        var send = Task.Factory.StartNew(
            () => sink.TrySend(Segment.CopyOf("a"u8), SinkQueueLimits.Default),
            Ct,
            TaskCreationOptions.None,
            TaskScheduler.Default);

        // Were the write inline, TrySend would block here on the write's gate until the test timed out.
        Assert.True(await send.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await sink.Writing.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        sink.Gate.Set();
        await sink.Written.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("a", sink.Received);

        // A second segment while the loop is idle again wakes it the same way.
        Assert.True(sink.TrySend(Segment.CopyOf("b"u8), SinkQueueLimits.Default));
        await EventuallyAsync(() => sink.Received == "ab");

        sink.Close("test over");
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, sink.QueuedBytes);
    }

    [Fact]
    public async Task Close_on_another_thread_ends_a_waiting_writer_loop_and_releases_what_was_queued()
    {
        var sink = new BlockingSink();
        var run = sink.RunAsync();
        Assert.True(sink.TrySend(Segment.CopyOf("a"u8), SinkQueueLimits.Default));
        await sink.Writing.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // Queued behind the blocked write, then closed: nothing of it may leak.
        var queued = Segment.CopyOf("b"u8);
        Assert.True(sink.TrySend(queued, SinkQueueLimits.Default));
        sink.Close("test over");
        sink.Gate.Set();
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, sink.QueuedBytes);
        Assert.True(sink.IsClosed);
        queued.Release();
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition());
    }

    private sealed class BlockingSink() : SinkBase("test", "test", null)
    {
        private string _received = "";

        public ManualResetEventSlim Gate { get; } = new();

        public TaskCompletionSource Writing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Received => Volatile.Read(ref _received);

        protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
        {
            Writing.TrySetResult();
            Gate.Wait(cancellationToken.IsCancellationRequested ? CancellationToken.None : TestContext.Current.CancellationToken);
            foreach (var segment in segments)
            {
                Volatile.Write(ref _received, _received + System.Text.Encoding.ASCII.GetString(segment.Memory.Span));
            }

            Written.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
