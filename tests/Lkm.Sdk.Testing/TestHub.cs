using System.Collections.Concurrent;
using System.Threading.Channels;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Testing;

/// <summary>
/// Stands in for the host's stream engine. Publishes get a <see cref="RecordingPublisher"/> (a second publisher of a
/// live stream id is refused, like the real hub). Plays are refused (<see cref="DenyPlay"/>), handed to
/// <see cref="OnPlay"/>, or by default fed <see cref="Content"/> from a background task, the way the source loop feeds a sink.
/// </summary>
/// <remarks>
/// Every segment the hub sends passes <see cref="Limits"/> to <see cref="ISink.TrySend"/>, as the host passes the
/// route's bounds; a sink that refuses a segment is closed, as the host does with a player that fell behind.
/// </remarks>
public sealed class TestHub : IStreamHub
{
    private readonly ConcurrentDictionary<string, RecordingPublisher> _live = new(StringComparer.Ordinal);
    private readonly Channel<RecordingPublisher> _arrivals = Channel.CreateUnbounded<RecordingPublisher>();
    private readonly Channel<TestPlay> _plays = Channel.CreateUnbounded<TestPlay>();

    /// <summary>Queue bounds passed on every send (default <see cref="SinkQueueLimits.Default"/>).</summary>
    public SinkQueueLimits Limits { get; set; } = SinkQueueLimits.Default;

    /// <summary>Refuses a publish with the returned reason, when not null.</summary>
    public Func<PublishRequest, DenyReason?>? DenyPublish { get; set; }

    /// <summary>When set, every play is refused with it.</summary>
    public StreamDeniedException? DenyPlay { get; set; }

    /// <summary>Attaches a player in the test's own way; when null, the hub feeds it <see cref="Content"/>.</summary>
    public Func<PlayRequest, ISink, ValueTask<IAsyncDisposable>>? OnPlay { get; set; }

    /// <summary>Segments (trans stream header + media) fed to every player the hub attaches itself.</summary>
    public IReadOnlyList<Segment> Content { get; set; } = [];

    /// <summary>Close a player the hub feeds once all of <see cref="Content"/> was queued and sent (like a stream that ended).</summary>
    public bool CloseWhenSent { get; set; }

    /// <summary>Every play request, refused or not, in order.</summary>
    public ConcurrentQueue<PlayRequest> PlayRequests { get; } = new();

    /// <summary>Every attached play, in order.</summary>
    public ConcurrentQueue<TestPlay> Plays { get; } = new();

    /// <summary>The publisher of <paramref name="streamId"/> while it is live, or null.</summary>
    public RecordingPublisher? Live(string streamId) => _live.TryGetValue(streamId, out var publisher) ? publisher : null;

    /// <summary>The next publisher the hub accepted.</summary>
    public async Task<RecordingPublisher> NextPublisherAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _arrivals.Reader.ReadAsync(cts.Token);
    }

    /// <summary>The next play the hub attached (within 5 s).</summary>
    public Task<TestPlay> NextPlayAsync() => NextPlayAsync(TimeSpan.FromSeconds(5));

    /// <summary>The next play the hub attached.</summary>
    public async Task<TestPlay> NextPlayAsync(TimeSpan timeout) => await _plays.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    /// <inheritdoc/>
    public ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        if (DenyPublish?.Invoke(request) is { } reason)
        {
            throw new StreamDeniedException(reason, $"publish of {request.StreamId} refused by the test");
        }

        var publisher = new RecordingPublisher(request, p => _live.TryRemove(new KeyValuePair<string, RecordingPublisher>(p.StreamId, p)));
        if (!_live.TryAdd(request.StreamId, publisher))
        {
            throw new StreamDeniedException(DenyReason.AlreadyPublished, $"{request.StreamId} is already published");
        }

        _arrivals.Writer.TryWrite(publisher);
        return ValueTask.FromResult<IPublisher>(publisher);
    }

    /// <inheritdoc/>
    public ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default)
    {
        PlayRequests.Enqueue(request);
        if (DenyPlay is not null)
        {
            throw DenyPlay;
        }

        if (OnPlay is not null)
        {
            return OnPlay(request, sink);
        }

        var play = new TestPlay(request, sink);
        Plays.Enqueue(play);
        _plays.Writer.TryWrite(play);
        var content = Content;
        var limits = Limits;
        bool closeWhenSent = CloseWhenSent;
        _ = Task.Run(async () =>
        {
            foreach (var segment in content)
            {
                if (!Send(sink, segment, limits))
                {
                    return;
                }
            }

            if (closeWhenSent)
            {
                await SinkDrain.WaitAsync(sink, TimeSpan.FromSeconds(10));
                sink.Close(SinkCloseCause.StreamEnded, "stream ended");
            }
        }, CancellationToken.None);
        return ValueTask.FromResult<IAsyncDisposable>(play);
    }

    /// <summary>Sends like the host: <see cref="ISink.TrySend"/> with <paramref name="limits"/>, closing a sink that refuses.</summary>
    public static bool Send(ISink sink, Segment segment, SinkQueueLimits limits)
    {
        if (sink.TrySend(segment, limits))
        {
            return true;
        }

        sink.Close(SinkCloseCause.TooSlow, "too slow");
        return false;
    }
}

/// <summary>A player the <see cref="TestHub"/> attached.</summary>
public sealed class TestPlay : IAsyncDisposable
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Records a play of <paramref name="sink"/> for <paramref name="request"/>.</summary>
    public TestPlay(PlayRequest request, ISink sink)
    {
        Request = request;
        Sink = sink;
    }

    /// <summary>What the plugin asked for.</summary>
    public PlayRequest Request { get; }

    /// <summary>The plugin's sink.</summary>
    public ISink Sink { get; }

    /// <summary>Completes when the plugin disposed the play handle (the player left).</summary>
    public Task Disposed => _disposed.Task;

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Waits for a sink's send queue to drain.</summary>
public static class SinkDrain
{
    /// <summary>
    /// Waits until a <see cref="SinkBase"/> has no queued bytes or the connection is gone (at most <paramref name="timeout"/>).
    /// Other sinks have no visible queue: returns at once.
    /// </summary>
    public static async Task WaitAsync(ISink sink, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (sink is SinkBase { QueuedBytes: > 0 } && !sink.Completion.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
