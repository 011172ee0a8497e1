using System.Collections.Concurrent;
using Lkm.Sdk.Buffers;
using System.Threading.Channels;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Flv.Tests.Support;

/// <summary>
/// Stands in for the host's stream engine: on play it feeds the sink a fixed list of segments
/// (trans stream header + media) from a background task, the way the source loop would.
/// </summary>
internal sealed class TestHub : IStreamHub
{
    private readonly Channel<Play> _plays = Channel.CreateUnbounded<Play>();

    public IReadOnlyList<Segment> Content { get; set; } = [];

    /// <summary>When set, PlayAsync refuses with it.</summary>
    public StreamDeniedException? Deny { get; set; }

    /// <summary>Close the sink once everything was handed over and sent (like a stream that ended).</summary>
    public bool CloseWhenSent { get; set; }

    public ConcurrentQueue<Play> Plays { get; } = new();

    public ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default)
    {
        if (Deny is not null)
        {
            throw Deny;
        }

        var play = new Play(request, sink);
        Plays.Enqueue(play);
        _plays.Writer.TryWrite(play);
        var content = Content;
        _ = Task.Run(async () =>
        {
            foreach (var segment in content)
            {
                if (!sink.TrySend(segment, SinkQueueLimits.Default))
                {
                    sink.Close("too slow");
                    return;
                }
            }

            if (CloseWhenSent)
            {
                while (((SinkBase)sink).QueuedBytes > 0 && !sink.Completion.IsCompleted)
                {
                    await Task.Delay(10);
                }

                sink.Close("stream ended");
            }
        });
        return ValueTask.FromResult<IAsyncDisposable>(play);
    }

    public async Task<Play> NextPlayAsync() => await _plays.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    internal sealed class Play(PlayRequest request, ISink sink) : IAsyncDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PlayRequest Request { get; } = request;

        public ISink Sink { get; } = sink;

        public Task Disposed => _disposed.Task;

        public ValueTask DisposeAsync()
        {
            _disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
