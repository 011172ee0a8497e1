using System.Collections.Concurrent;
using System.Threading.Channels;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>
/// A stand-in for the host's stream engine: records publishers (refusing duplicates like the real
/// hub) and hands players to <see cref="Play"/>.
/// </summary>
internal sealed class TestHub : IStreamHub
{
    private readonly ConcurrentDictionary<string, RecordingPublisher> _live = new();
    private readonly Channel<RecordingPublisher> _arrivals = Channel.CreateUnbounded<RecordingPublisher>();

    /// <summary>Refuses a publish with the returned reason, when not null.</summary>
    public Func<PublishRequest, DenyReason?>? DenyPublish { get; set; }

    /// <summary>Attaches a player; null = every play is refused as not found.</summary>
    public Func<PlayRequest, ISink, ValueTask<IAsyncDisposable>>? Play { get; set; }

    public ConcurrentQueue<PlayRequest> PlayRequests { get; } = new();

    public async Task<RecordingPublisher> NextPublisherAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _arrivals.Reader.ReadAsync(cts.Token);
    }

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

    public ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default)
    {
        PlayRequests.Enqueue(request);
        if (Play is null)
        {
            throw new StreamDeniedException(DenyReason.BadRequest, $"{request.StreamId} not found");
        }

        return Play(request, sink);
    }
}
