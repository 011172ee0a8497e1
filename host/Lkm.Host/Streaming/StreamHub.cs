using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// The stream engine's front door: finds or creates the source for a stream id and hands it
/// publishers and players. Only publish/play/remove take the lock; media never does.
/// </summary>
public sealed partial class StreamHub : IStreamHub, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly StreamEngineOptions _options;
    private readonly TransStreamRegistry _registry;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Timer _ticker;
    private long _generation;
    private bool _disposed;

    public StreamHub(StreamEngineOptions options, TransStreamRegistry registry, ILoggerFactory loggerFactory)
    {
        _options = options;
        _registry = registry;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Lkm.Stream");
        _ticker = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    public StreamEngineOptions Options => _options;

    public ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ValidateId(request.StreamId);
        lock (_gate)
        {
            ThrowIfDisposed();
            var source = GetOrCreate(request.StreamId);
            if (source.ActivePublisher is { } existing)
            {
                Log.DuplicatePublisher(_logger, request.StreamId, request.RemoteAddress, existing.Request.RemoteAddress);
                throw new StreamDeniedException(DenyReason.AlreadyPublished, $"stream '{request.StreamId}' is already published");
            }

            var publisher = new Publisher(source, ++_generation, request);
            source.ActivePublisher = publisher;
            source.Post(new SourceEvent(SourceEventKind.PublisherAttached, publisher.Generation, publisher));
            return ValueTask.FromResult<IPublisher>(publisher);
        }
    }

    public ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default)
    {
        ValidateId(request.StreamId);
        if (_registry.Find(sink.TransProtocol) is null)
        {
            throw new StreamDeniedException(DenyReason.BadRequest, $"no plugin provides the '{sink.TransProtocol}' output");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            var source = GetOrCreate(request.StreamId);
            var state = new SinkState(sink, request);
            source.Post(new SourceEvent(SourceEventKind.SinkAdded, item: state));
            return ValueTask.FromResult<IAsyncDisposable>(new PlayHandle(source, state));
        }
    }

    /// <summary>Ids of the sources the hub holds now.</summary>
    public IReadOnlyList<string> StreamIds
    {
        get
        {
            lock (_gate)
            {
                return _sources.Keys.ToList();
            }
        }
    }

    /// <summary>Asks a source's loop for a snapshot; null when the stream is unknown.</summary>
    public async Task<SourceInfo?> DescribeAsync(string streamId)
    {
        Source? source;
        lock (_gate)
        {
            _sources.TryGetValue(streamId, out source);
        }

        if (source is null)
        {
            return null;
        }

        var tcs = new TaskCompletionSource<SourceInfo?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!source.Post(new SourceEvent(SourceEventKind.Query, item: (Action<Source>)(s => tcs.TrySetResult(s.Describe())))))
        {
            return null;
        }

        return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    /// <summary>Ends a stream: its publisher is closed and its players disconnected.</summary>
    public bool Close(string streamId, string reason)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(streamId, out var source))
            {
                return false;
            }

            source.ActivePublisher?.Close();
            return source.Post(new SourceEvent(SourceEventKind.Close, item: reason));
        }
    }

    internal void OnPublisherGone(Source source, Publisher publisher)
    {
        lock (_gate)
        {
            if (ReferenceEquals(source.ActivePublisher, publisher))
            {
                source.ActivePublisher = null;
            }

            source.Post(new SourceEvent(SourceEventKind.PublisherGone, publisher.Generation));
        }
    }

    /// <summary>Called from a source's loop when it has nothing left; the source leaves the hub unless work arrived meanwhile.</summary>
    internal void TryRemove(Source source)
    {
        lock (_gate)
        {
            if (source.Removed || source.ActivePublisher is not null || source.PendingEvents > 0)
            {
                return;
            }

            source.Removed = true;
            if (_sources.TryGetValue(source.Id, out var current) && ReferenceEquals(current, source))
            {
                _sources.Remove(source.Id);
            }

            source.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Source> sources;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sources = _sources.Values.ToList();
        }

        await _ticker.DisposeAsync().ConfigureAwait(false);
        foreach (var source in sources)
        {
            source.ActivePublisher?.Close();
            source.Post(new SourceEvent(SourceEventKind.Close, item: "server shutting down"));
            source.Complete();
        }

        await Task.WhenAll(sources.Select(s => s.Loop)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private Source GetOrCreate(string id)
    {
        if (!_sources.TryGetValue(id, out var source) || source.Removed)
        {
            source = new Source(id, this, _options, _registry, _loggerFactory.CreateLogger("Lkm.Stream." + id.Replace('/', '.')));
            _sources[id] = source;
        }

        return source;
    }

    private void Tick()
    {
        List<Source> sources;
        lock (_gate)
        {
            sources = _sources.Values.ToList();
        }

        foreach (var source in sources)
        {
            source.Post(new SourceEvent(SourceEventKind.Tick));
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new StreamDeniedException(DenyReason.Unavailable, "the server is shutting down");
        }
    }

    /// <summary>Stream ids are path-like: non-empty segments of printable characters, no '..'.</summary>
    public static void ValidateId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 512 || id.StartsWith('/') || id.EndsWith('/')
            || id.Split('/').Any(part => part.Length == 0 || part == "." || part == "..")
            || id.Any(c => char.IsControl(c) || c is '\\' or '?' or '#' or '*'))
        {
            throw new StreamDeniedException(DenyReason.BadRequest, $"bad stream id '{id}'");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Stream {StreamId}: publish from {Peer} refused, already published by {Existing}")]
        public static partial void DuplicatePublisher(ILogger logger, string streamId, string peer, string existing);
    }
}
