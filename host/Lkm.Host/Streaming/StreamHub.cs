using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// The stream engine's front door: finds or creates the source for a stream id and hands it
/// publishers and players. The hub owns which sources exist, who publishes each and how many players
/// each has; a source owns everything else and is told things only through events posted to its loop.
/// Only publish/play/remove take the lock; media never does.
/// </summary>
public sealed partial class StreamHub : IStreamHub, IStreamDirectory, ISourceOwner, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _sources = new(StringComparer.Ordinal);
    private readonly LiveRoutes _routes;
    private readonly IStreamHooks _hooks;
    private readonly TransStreamRegistry _registry;
    private readonly SourceServices _services;
    private readonly ILogger _logger;
    private readonly Timer _ticker;
    private long _generation;
    private bool _disposed;

    public StreamHub(LiveRoutes routes, TransStreamRegistry registry, ILoggerFactory loggerFactory, IStreamHooks? hooks = null)
    {
        _routes = routes;
        _hooks = hooks ?? NoStreamHooks.Instance;
        _registry = registry;

        // One category for every stream, the id as a property: a logger per id would be kept forever.
        _logger = loggerFactory.CreateLogger("Lkm.Stream");
        _services = new SourceServices(routes, registry, _hooks, Counters, _logger, this);
        _ticker = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    public EngineCounters Counters { get; } = new();

    public async ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ValidateId(request.StreamId);
        var policy = _routes.Resolve(request.StreamId);
        if (!policy.AllowsPublish(request.Protocol))
        {
            throw Deny(request, DenyReason.Forbidden, $"publishing over {request.Protocol} is not allowed for this stream (route {policy.Route})");
        }

        ThrowIfPublished(request);
        if (!request.AuthorizeLater)
        {
            await AuthorizeAsync(policy, request, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            ThrowIfPublished(request);
            var entry = GetOrCreate(request.StreamId, policy);
            var publisher = new Publisher(entry.Source, ++_generation, request, p => OnPublisherGone(entry, p),
                request.AuthorizeLater ? AuthorizeLaterAsync : null);
            entry.Publisher = publisher;
            Counters.PublishAccepted();
            entry.Source.Post(new SourceEvent(SourceEventKind.PublisherAttached, publisher.Generation, publisher));
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
            var entry = GetOrCreate(request.StreamId, policy);
            var state = new SinkState(sink, request);
            entry.Players++;
            Counters.PlayAccepted();
            entry.Source.Post(new SourceEvent(SourceEventKind.SinkAdded, item: state));
            return new PlayHandle(state, s => OnPlayerGone(entry, s));
        }
    }

    private async ValueTask AuthorizeAsync(StreamPolicy policy, PublishRequest request, CancellationToken cancellationToken)
    {
        var decision = await _hooks.DecideAsync(policy, HookEvent.OnPublish, HookContexts.For(request), cancellationToken).ConfigureAwait(false);
        if (!decision.Allow)
        {
            throw Deny(request, DenyReason.Forbidden, decision.Reason ?? "denied by on_publish");
        }
    }

    // on_publish for a stream reserved earlier (PublishRequest.AuthorizeLater), at its first packet.
    private async ValueTask AuthorizeLaterAsync(Publisher publisher, CancellationToken cancellationToken)
    {
        var policy = _routes.Resolve(publisher.StreamId);
        await AuthorizeAsync(policy, publisher.Request, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_sources.TryGetValue(publisher.StreamId, out var entry) || !ReferenceEquals(entry.Publisher, publisher))
            {
                throw new StreamDeniedException(DenyReason.Unavailable, $"stream '{publisher.StreamId}' was closed before its first packet was allowed");
            }
        }
    }

    private void ThrowIfPublished(PublishRequest request)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(request.StreamId, out var entry) && entry.Publisher is { } existing)
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
            if (_sources.TryGetValue(request.StreamId, out var entry) && entry.Players >= policy.MaxPlayers)
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

    private void OnPlayerGone(Entry entry, SinkState sink)
    {
        lock (_gate)
        {
            entry.Players--;
        }

        entry.Source.Post(new SourceEvent(SourceEventKind.SinkRemoved, item: sink));
        _hooks.Notify(_routes.Resolve(entry.Source.Id), HookEvent.OnPlayDone, HookContexts.For(sink.Request, sink.Sink.Id) with
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
    public Task<SourceInfo?> DescribeAsync(string streamId) => AskAsync<SourceInfo?>(streamId, s => s.Describe(), null);

    /// <summary>Snapshots of every source (for the API and metrics).</summary>
    public async Task<IReadOnlyList<SourceInfo>> DescribeAllAsync()
    {
        var infos = await Task.WhenAll(StreamIds.Select(DescribeAsync)).ConfigureAwait(false);
        return infos.OfType<SourceInfo>().OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Disconnects one player; false when the stream or the player is unknown.</summary>
    public Task<bool> CloseSinkAsync(string streamId, string sinkId, string reason) => AskAsync(streamId, s => s.CloseSink(sinkId, reason), false);

    /// <summary>Runs <paramref name="ask"/> on the stream's loop and returns its answer; <paramref name="unknown"/> when there is no such stream.</summary>
    private async Task<T> AskAsync<T>(string streamId, Func<Source, T> ask, T unknown)
    {
        Source? source;
        lock (_gate)
        {
            source = _sources.TryGetValue(streamId, out var entry) ? entry.Source : null;
        }

        if (source is null)
        {
            return unknown;
        }

        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!source.PostAction(() => tcs.TrySetResult(ask(source))))
        {
            return unknown;
        }

        return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    /// <summary>Ends a stream: its publisher is closed and its players disconnected.</summary>
    public bool Close(string streamId, string reason)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(streamId, out var entry))
            {
                return false;
            }

            entry.Publisher?.Close();
            return entry.Source.Post(new SourceEvent(SourceEventKind.Close, item: reason));
        }
    }

    private void OnPublisherGone(Entry entry, Publisher publisher)
    {
        // A reserved publish on_publish never allowed (refused, or closed before its first packet) never started.
        if (publisher.Authorized)
        {
            NotifyPublishDone(entry, publisher);
        }

        lock (_gate)
        {
            if (ReferenceEquals(entry.Publisher, publisher))
            {
                entry.Publisher = null;
            }

            entry.Source.Post(new SourceEvent(SourceEventKind.PublisherGone, publisher.Generation));
        }
    }

    private void NotifyPublishDone(Entry entry, Publisher publisher)
    {
        _hooks.Notify(_routes.Resolve(entry.Source.Id), HookEvent.OnPublishDone, HookContexts.For(publisher.Request) with
        {
            DurationSeconds = (DateTime.UtcNow - publisher.StartedAt).TotalSeconds,
            Bytes = publisher.BytesReceived,
        });
    }

    /// <summary>Called from a source's loop when it has nothing left; the source leaves the hub unless work arrived meanwhile.</summary>
    void ISourceOwner.OnSourceIdle(Source source)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(source.Id, out var entry) || !ReferenceEquals(entry.Source, source)
                || entry.Publisher is not null || source.PendingEvents > 0)
            {
                return;
            }

            _sources.Remove(source.Id);
            source.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = _sources.Values.ToList();
        }

        await _ticker.DisposeAsync().ConfigureAwait(false);
        foreach (var entry in entries)
        {
            entry.Publisher?.Close();
            entry.Source.Post(new SourceEvent(SourceEventKind.Close, item: "server shutting down"));
            entry.Source.Complete();
        }

        await Task.WhenAll(entries.Select(e => e.Source.Loop)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private Entry GetOrCreate(string id, StreamPolicy policy)
    {
        if (!_sources.TryGetValue(id, out var entry))
        {
            entry = new Entry(new Source(id, policy, _services));
            _sources[id] = entry;
        }

        return entry;
    }

    private void Tick()
    {
        List<Source> sources;
        lock (_gate)
        {
            sources = _sources.Values.Select(e => e.Source).ToList();
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

    /// <summary>The hub's bookkeeping of one source, guarded by the hub's lock.</summary>
    private sealed class Entry(Source source)
    {
        public Source Source { get; } = source;

        /// <summary>The publisher holding this id, if any (one at a time).</summary>
        public Publisher? Publisher { get; set; }

        /// <summary>Players attached or waiting, for max_players.</summary>
        public int Players { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Stream {StreamId}: publish from {Peer} refused, already published by {Existing}")]
        public static partial void DuplicatePublisher(ILogger logger, string streamId, string peer, string existing);

        [LoggerMessage(2, LogLevel.Warning, "Stream {StreamId}: {Action} over {Protocol} from {Peer} denied: {Reason}")]
        public static partial void Denied(ILogger logger, string streamId, string action, string protocol, string peer, string reason);
    }
}
