using System.Collections.Concurrent;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Streaming;

/// <summary>A player that fails in its own code is a bug to see, not a lost connection to shrug off.</summary>
public sealed class SinkFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sink_that_throws_is_logged_with_its_stack_and_counted()
    {
        var logs = new CapturingLoggerFactory();
        var registry = new TransStreamRegistry();
        registry.Register(new TestTransStreamFactory());
        await using var hub = new StreamHub(new LiveRoutes(RouteTable.Fixed(new StreamPolicy { MergeWriteMs = 0 })), registry, logs);
        var publisher = await hub.PublishAsync(new PublishRequest { StreamId = "live/bug", Protocol = "rtmp" }, Ct);
        int v = publisher.AddTrack(Media.Video);
        publisher.TracksComplete();
        Media.WriteFrame(publisher, v, 0, key: true);

        var sink = new ThrowingSink();
        var handle = await hub.PlayAsync(new PlayRequest { StreamId = "live/bug", Protocol = "test" }, sink, Ct);

        // As a plugin does: run the sink's writer loop for the life of the player, then let go of it.
        await sink.RunAsync().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        await handle.DisposeAsync();

        Assert.Same(sink.Thrown, sink.Fault);
        Assert.StartsWith("internal error: InvalidOperationException", sink.CloseReason, StringComparison.Ordinal);
        await Media.EventuallyAsync(() => hub.Counters.FaultedPlayers == 1, "the fault counted server-wide");
        var entry = await WaitForAsync(() => logs.Entries.FirstOrDefault(e => e.Exception is not null));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Same(sink.Thrown, entry.Exception);
        Assert.Contains("live/bug", entry.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowingSink), entry.Exception!.StackTrace, StringComparison.Ordinal);
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task A_lost_connection_is_not_a_fault()
    {
        var sink = new ThrowingSink(new IOException("Connection reset by peer"));
        Assert.True(sink.TrySend(Segment.CopyOf("x"u8), SinkQueueLimits.Default));
        await sink.RunAsync().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Null(sink.Fault);
        Assert.StartsWith("connection lost", sink.CloseReason, StringComparison.Ordinal);
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> find)
        where T : class
    {
        T? found = null;
        await Media.EventuallyAsync(() => (found = find()) is not null, "a log entry");
        return found!;
    }

    private sealed class ThrowingSink(Exception? toThrow = null) : SinkBase("test", "test", null)
    {
        public Exception Thrown { get; } = toThrow ?? new InvalidOperationException("a bug in the sink");

        protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken) => throw Thrown;
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => _entries.ToList();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
