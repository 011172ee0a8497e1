using Lkm.Host.Routing;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// Where a source's media goes: the GOP cache, one trans stream per egress protocol (created on its
/// first player, disposed with its last), and the players, each waiting for the stream or attached to
/// one trans stream. Segments are shared by every player of a protocol, never copied.
/// Owned by the source's event loop.
/// </summary>
internal sealed partial class SourceOutputs
{
    private readonly string _id;
    private readonly TransStreamRegistry _registry;
    private readonly SourceCounters _counters;
    private readonly EngineCounters _engine;
    private readonly ILogger _logger;
    private readonly List<Segment> _completed = [];
    // By factory registration, not protocol name: after a plugin swap, new players get the new version's muxer
    // while the old one keeps its players until they leave.
    private readonly Dictionary<TransStreamFactoryEntry, TransStreamState> _trans = new(ReferenceEqualityComparer.Instance);
    private readonly List<SinkState> _players = [];
    private readonly GopCache _gop;

    public SourceOutputs(string id, StreamPolicy policy, TransStreamRegistry registry, SourceCounters counters, EngineCounters engine, ILogger logger)
    {
        _id = id;
        Policy = policy;
        _registry = registry;
        _counters = counters;
        _engine = engine;
        _logger = logger;
        _gop = new GopCache(policy.GopCacheMaxBytes);
    }

    /// <summary>The stream's policy in force (refreshed by the source as routes are edited).</summary>
    public StreamPolicy Policy { get; set; }

    /// <summary>Players of this stream, attached or waiting; removed ones until the source forgets them.</summary>
    public IReadOnlyList<SinkState> Players => _players;

    public int GopPackets => _gop.Count;

    /// <summary>True when no player is left (all gone or none ever).</summary>
    public bool AllRemoved => _players.TrueForAll(s => s.Removed);

    public void AddPlayer(SinkState sink, TrackSet tracks, bool live)
    {
        _players.Add(sink);
        if (live)
        {
            Attach(sink, tracks);
        }
        else
        {
            sink.WaitingSince = DateTime.UtcNow;
            Log.PlayerWaiting(_logger, _id, sink.Sink.Protocol, Peer(sink));
        }
    }

    /// <summary>The stream went live: every waiting player is attached.</summary>
    public void AttachWaiting(TrackSet tracks)
    {
        foreach (var sink in _players.ToList())
        {
            if (sink.Trans is null && !sink.Removed)
            {
                Attach(sink, tracks);
            }
        }
    }

    /// <summary>A packet on the stream's timeline: into the GOP cache and through every trans stream.</summary>
    public void Write(in MediaPacket packet, bool isVideo, bool hasVideo)
    {
        if (Policy.GopCache)
        {
            _gop.Add(packet, isVideo, hasVideo);
        }

        foreach (var trans in _trans.Values)
        {
            _completed.Clear();
            trans.Trans.Write(packet, _completed);
            Distribute(trans, _completed);
        }
    }

    /// <summary>The publisher left: pending output goes out, cached media is dropped (a resumed stream starts at a new keyframe).</summary>
    public void PublisherGone()
    {
        _gop.Clear();
        foreach (var trans in _trans.Values)
        {
            FlushInto(trans);
            trans.ClearGop();
        }
    }

    public void TracksChanged(TrackSet tracks)
    {
        foreach (var trans in _trans.Values)
        {
            _completed.Clear();
            trans.Trans.OnTracksChanged(tracks.Tracks, tracks.Metadata, _completed);
            Distribute(trans, _completed);
        }
    }

    /// <summary>The player's connection ended (its plugin said so). True when it was the last one.</summary>
    public bool RemovePlayer(SinkState sink)
    {
        if (!sink.Removed)
        {
            Log.PlayerLeft(_logger, _id, sink.Sink.Protocol, Peer(sink), sink.Sink.BytesSent);
        }

        if (sink.Sink.Fault is { } fault)
        {
            // Not a lost connection: a bug in the sink's code. Loud, with its stack, and counted.
            _counters.PlayerFaulted();
            _engine.PlayerFaulted();
            Log.PlayerFaulted(_logger, _id, sink.Sink.Protocol, Peer(sink), fault);
        }

        Detach(sink);
        _players.Remove(sink);
        return _players.Count == 0;
    }

    public void Drop(SinkState sink, SinkCloseCause cause, string reason)
    {
        sink.Sink.Close(cause, reason);
        Detach(sink);
    }

    /// <summary>Closes one player by id; false when it is not here.</summary>
    public bool Drop(string sinkId, string reason)
    {
        var sink = _players.FirstOrDefault(s => !s.Removed && s.Sink.Id == sinkId);
        if (sink is null)
        {
            return false;
        }

        Drop(sink, SinkCloseCause.Dropped, reason);
        return true;
    }

    /// <summary>Drops every attached player and their trans streams (the stream restarted with other codecs).</summary>
    public void DropAttached(string reason)
    {
        foreach (var sink in _players.ToList())
        {
            if (sink.Trans is not null)
            {
                Drop(sink, SinkCloseCause.StreamEnded, reason);
            }
        }

        DisposeTransStreams();
    }

    /// <summary>Drops attached players whose stream ended for good; waiting ones keep waiting.</summary>
    public void DropAttachedOnly(string reason)
    {
        foreach (var sink in _players.ToList())
        {
            if (sink.WaitingSince is null)
            {
                Drop(sink, SinkCloseCause.StreamEnded, reason);
            }
        }
    }

    /// <summary>Drops players that have waited longer than the route's wait_timeout: to them the stream was not found.</summary>
    public void DropExpiredWaits(DateTime now)
    {
        foreach (var sink in _players)
        {
            if (sink.WaitingSince is { } since && !sink.Removed && now - since > Policy.WaitTimeout)
            {
                Drop(sink, SinkCloseCause.NotFound, $"the stream was not published within {Policy.WaitTimeout.TotalSeconds:0.#} s");
            }
        }
    }

    /// <summary>The source closes: every player is dropped and everything cached released.</summary>
    public void Close(string reason)
    {
        foreach (var sink in _players.ToList())
        {
            Drop(sink, SinkCloseCause.StreamEnded, reason);
        }

        _players.Clear();
        DisposeTransStreams();
        _gop.Clear();
    }

    /// <summary>Forgets removed players once the source has nothing left.</summary>
    public void Forget() => _players.Clear();

    private void Attach(SinkState sink, TrackSet tracks)
    {
        sink.WaitingSince = null;
        var factory = _registry.Find(sink.Sink.TransProtocol);
        if (factory is null)
        {
            Drop(sink, SinkCloseCause.Dropped, $"no plugin provides the '{sink.Sink.TransProtocol}' output");
            return;
        }

        if (!_trans.TryGetValue(factory, out var trans))
        {
            trans = new TransStreamState(factory, factory.Factory.Create(new TransStreamContext
            {
                StreamId = _id,
                Tracks = tracks.Tracks,
                Metadata = tracks.Metadata,
                MergeWriteMs = Policy.MergeWriteMs,
            }), Policy.GopCache, Policy.GopCacheMaxBytes);
            _trans.Add(factory, trans);

            // Prime the new muxer from the GOP cache so its first player starts at once.
            foreach (var packet in _gop.Packets)
            {
                _completed.Clear();
                trans.Trans.Write(packet, _completed);
                Distribute(trans, _completed);
            }
        }

        // Complete the pending merge-write window so the joining player gets everything up to now.
        FlushInto(trans);

        sink.Trans = trans;
        sink.AwaitingKeyFrame = true;
        trans.Sinks.Add(sink);
        if (!Send(sink, trans.Trans.Header))
        {
            return;
        }

        foreach (var segment in trans.Gop)
        {
            if (!Send(sink, segment))
            {
                return;
            }
        }

        Log.PlayerAttached(_logger, _id, sink.Sink.Protocol, Peer(sink), trans.Gop.Count, trans.Sinks.Count);
    }

    private void FlushInto(TransStreamState trans)
    {
        if (trans.Trans.Flush() is { } pending)
        {
            _completed.Clear();
            _completed.Add(pending);
            Distribute(trans, _completed);
        }
    }

    /// <summary>Sends completed segments to every player of the trans stream and keeps them for late joiners.</summary>
    private void Distribute(TransStreamState trans, List<Segment> segments)
    {
        foreach (var segment in segments)
        {
            var sinks = trans.Sinks;
            for (int i = sinks.Count - 1; i >= 0; i--)
            {
                Send(sinks[i], segment);
            }

            trans.Keep(segment);
        }

        segments.Clear();
    }

    private bool Send(SinkState sink, Segment segment)
    {
        if (segment.IsMedia && sink.AwaitingKeyFrame)
        {
            if (!segment.StartsWithKeyFrame)
            {
                return true;
            }

            sink.AwaitingKeyFrame = false;
        }

        // The route's bounds, passed on every send: an edit of the route applies to players already connected.
        if (sink.Sink.TrySend(segment, Policy.SinkLimits))
        {
            _counters.SentToPlayer(segment.Length);
            return true;
        }

        _counters.PlayerDropped();
        Log.PlayerTooSlow(_logger, _id, sink.Sink.Protocol, Peer(sink));
        Drop(sink, SinkCloseCause.TooSlow, "too slow: send queue over its bound");
        return false;
    }

    private void Detach(SinkState sink)
    {
        sink.Removed = true;
        if (sink.Trans is { } trans)
        {
            trans.Sinks.Remove(sink);
            sink.Trans = null;
            if (trans.Sinks.Count == 0)
            {
                // No player left for this protocol: stop muxing it.
                _trans.Remove(trans.Factory);
                trans.Dispose();
            }
        }
    }

    private void DisposeTransStreams()
    {
        foreach (var trans in _trans.Values)
        {
            trans.Dispose();
        }

        _trans.Clear();
    }

    private static string Peer(SinkState sink) => sink.Sink.RemoteEndPoint?.ToString() ?? "-";
}
