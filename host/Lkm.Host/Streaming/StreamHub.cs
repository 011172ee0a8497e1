using Lkm.Host.Hooks;
using Lkm.Host.Routing;
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
    private readonly LiveRoutes _routes;
    private readonly IStreamHooks _hooks;
    private readonly TransStreamRegistry _registry;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Timer _ticker;
    private long _generation;
    private bool _disposed;

    public StreamHub(LiveRoutes routes, TransStreamRegistry registry, ILoggerFactory loggerFactory, IStreamHooks? hooks = null)
    {
        _routes = routes;
        _hooks = hooks ?? NoStreamHooks.Instance;
        _registry = registry;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Lkm.Stream");
        _ticker = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    public LiveRoutes Routes => _routes;

    internal IStreamHooks Hooks => _hooks;

    public async ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ValidateId(request.StreamId);
        var policy = _routes.Resolve(request.StreamId);
        if (!policy.AllowsPublish(request.Protocol))
        {
            throw Deny(request, DenyReason.Forbidden, $"publishing over {request.Protocol} is not allowed for this stream (route {policy.Route})");
        }

        ThrowIfPublished(request);
        var decision = await _hooks.DecideAsync(policy, HookEvent.OnPublish, HookContexts.For(request), cancellationToken).ConfigureAwait(false);
        if (!decision.Allow)
        {
            throw Deny(request, DenyReason.Forbidden, decision.Reason ?? "denied by on_publish");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            ThrowIfPublished(request);
            var source = GetOrCreate(request.StreamId, policy);
            var publisher = new Publisher(source, ++_generation, request);
            source.ActivePublisher = publisher;
            source.Post(new SourceEvent(SourceEventKind.PublisherAttached, publisher.Generation, publisher));
            return publisher;
        }
    }

    public async ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default)
    {
        ValidateId(request.StreamId);
        if (_registry.Find(sink.TransProtocol) is null)
        {
            throw new StreamDeniedException(DenyReason.BadRequest, $"no plugin provides the '{sink.TransProtocol}' output");
        }

        var policy = _routes.Resolve(request.StreamId);
        if (!policy.AllowsPlay(sink.Protocol))
        {
            throw Deny(request, DenyReason.Forbidden, $"playing over {sink.Protocol} is not allowed for this stream (route {policy.Route})");
        }

        ThrowIfFull(request, policy);
        var decision = await _hooks.DecideAsync(policy, HookEvent.OnPlay, HookContexts.For(request, sink.Id), cancellationToken).ConfigureAwait(false);
        if (!decision.Allow)
        {
            throw Deny(request, DenyReason.Forbidden, decision.Reason ?? "denied by on_play");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            ThrowIfFull(request, policy);
            var source = GetOrCreate(request.StreamId, policy);
            var state = new SinkState(sink, request);
            Interlocked.Increment(ref source.PlayerCount);
            source.Post(new SourceEvent(SourceEventKind.SinkAdded, item: state));
            return new PlayHandle(source, state);
        }
    }

    private void ThrowIfPublished(PublishRequest request)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(request.StreamId, out var source) && !source.Removed && source.ActivePublisher is { } existing)
            {
                Log.DuplicatePublisher(_logger, request.StreamId, request.RemoteAddress, existing.Request.RemoteAddress);
                throw new StreamDeniedException(DenyReason.AlreadyPublished, $"stream '{request.StreamId}' is already published");
            }
        }
    }

    private void ThrowIfFull(PlayRequest request, StreamPolicy policy)
    {
        if (policy.MaxPlayers <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_sources.TryGetValue(request.StreamId, out var source) && !source.Removed && Volatile.Read(ref source.PlayerCount) >= policy.MaxPlayers)
            {
                throw Deny(request, DenyReason.Forbidden, $"the stream has its maximum of {policy.MaxPlayers} players");
            }
        }
    }

    private StreamDeniedException Deny(StreamRequest request, DenyReason reason, string message)
    {
        Log.Denied(_logger, request.StreamId, request is PublishRequest ? "publish" : "play", request.Protocol, request.RemoteAddress, message);
        return new StreamDeniedException(reason, message);
    }

    internal StreamPolicy ResolvePolicy(string streamId) => _routes.Resolve(streamId);

    internal void OnPlayerGone(Source source, SinkState sink)
    {
        Interlocked.Decrement(ref source.PlayerCount);
        var policy = _routes.Resolve(source.Id);
        _hooks.Notify(policy, HookEvent.OnPlayDone, HookContexts.For(sink.Request, sink.Sink.Id) with
        {
            DurationSeconds = (DateTime.UtcNow - sink.JoinedAt).TotalSeconds,
            Bytes = sink.Sink.BytesSent,
        });
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

    /// <summary>Snapshots of every source (for the API and metrics).</summary>
    public async Task<IReadOnlyList<SourceInfo>> DescribeAllAsync()
    {
        var infos = await Task.WhenAll(StreamIds.Select(DescribeAsync)).ConfigureAwait(false);
        return infos.OfType<SourceInfo>().OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Disconnects one player; false when the stream or the player is unknown.</summary>
    public async Task<bool> CloseSinkAsync(string streamId, string sinkId, string reason)
    {
        Source? source;
        lock (_gate)
        {
            _sources.TryGetValue(streamId, out source);
        }

        if (source is null)
        {
            return false;
        }

        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!source.Post(new SourceEvent(SourceEventKind.Query, item: (Action<Source>)(s => tcs.TrySetResult(s.CloseSink(sinkId, reason))))))
        {
            return false;
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
        _hooks.Notify(_routes.Resolve(source.Id), HookEvent.OnPublishDone, HookContexts.For(publisher.Request) with
        {
            DurationSeconds = (DateTime.UtcNow - publisher.StartedAt).TotalSeconds,
            Bytes = publisher.BytesReceived,
        });
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

    private Source GetOrCreate(string id, StreamPolicy policy)
    {
        if (!_sources.TryGetValue(id, out var source) || source.Removed)
        {
            source = new Source(id, this, policy, _registry, _loggerFactory.CreateLogger("Lkm.Stream." + id.Replace('/', '.')));
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

        [LoggerMessage(2, LogLevel.Warning, "Stream {StreamId}: {Action} over {Protocol} from {Peer} denied: {Reason}")]
        public static partial void Denied(ILogger logger, string streamId, string action, string protocol, string peer, string reason);
    }
}
