using System.Threading.Channels;
using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// One stream id: its publisher (if any), tracks, GOP cache, trans streams and players. Everything is
/// done on one event loop fed by a channel, so nothing here takes a lock or blocks on a player.
/// </summary>
internal sealed partial class Source
{
    private const int ProbeBufferMaxPackets = 4096;
    private const long ResumeGapMs = 40;

    private readonly Channel<SourceEvent> _events = Channel.CreateUnbounded<SourceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private StreamPolicy _options;
    private readonly TransStreamRegistry _registry;
    private readonly ILogger _logger;
    private readonly List<Segment> _completed = [];
    private readonly Dictionary<string, TransStreamState> _trans = new(StringComparer.Ordinal);
    private readonly List<SinkState> _sinks = [];
    private readonly GopCache _gop;

    // The current publisher's view: its tracks as it declared them and packets that came before the track set was known.
    private readonly List<MediaTrack> _publisherTracks = [];
    private readonly List<MediaPacket> _probeBuffer = [];
    private long _generation = -1;
    private bool _hasPublisher;
    private DateTime _publisherSince;
    private DateTime _publisherGoneAt;
    private bool _everPublished;

    // The stream's view, continuous across publisher resumes.
    private List<MediaTrack> _tracks = [];
    private StreamMetadata _metadata = StreamMetadata.Empty;
    private int[] _trackMap = [];
    private long[] _lastDts = [];
    private long _lastDtsMax = long.MinValue;
    private long _timestampOffset;
    private bool _needOffset;
    private bool _live;
    private bool _hasVideo;

    private readonly BitrateMeter _rates = new();
    private long _pending;
    private long _droppedPlayers;
    private long _bytesIn;
    private long _bytesOut;

    // Idle / receive timeouts (wall clock, ms).
    private long _lastMediaAt;
    private long _noPlayersSince;
    private bool _timeoutHookRunning;

    /// <summary>Players attached or waiting, counted by the hub for max_players.</summary>
    public int PlayerCount;
    private long _packets;

    public Source(string id, StreamHub hub, StreamPolicy options, TransStreamRegistry registry, ILogger logger)
    {
        Id = id;
        Hub = hub;
        _options = options;
        _registry = registry;
        _logger = logger;
        _gop = new GopCache(options.GopCacheMaxBytes);
        Loop = Task.Run(RunAsync);
    }

    public string Id { get; }

    public StreamHub Hub { get; }

    public Task Loop { get; }

    /// <summary>Set by the hub under its lock: a publisher holds this id.</summary>
    public Publisher? ActivePublisher { get; set; }

    /// <summary>Set by the hub under its lock when the source left the hub; no new work arrives after that.</summary>
    public bool Removed { get; set; }

    /// <summary>Events posted but not yet handled (the single-reader channel cannot count them itself).</summary>
    public long PendingEvents => Interlocked.Read(ref _pending);

    public bool Post(in SourceEvent e)
    {
        Interlocked.Increment(ref _pending);
        if (_events.Writer.TryWrite(e))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    public void Complete() => _events.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = _events.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var e))
            {
                Interlocked.Decrement(ref _pending);
                try
                {
                    Handle(e);
                }
                catch (Exception ex)
                {
                    Log.EventFailed(_logger, Id, e.Kind, ex);
                }
                finally
                {
                    if (e.Kind == SourceEventKind.Packet)
                    {
                        e.Packet.Release();
                    }
                }
            }
        }

        Shutdown("source closed");
    }

    private void Handle(in SourceEvent e)
    {
        switch (e.Kind)
        {
            case SourceEventKind.Packet:
                if (e.Generation == _generation)
                {
                    OnPublisherPacket(e.Packet);
                }

                break;
            case SourceEventKind.TrackAdded when e.Generation == _generation:
                OnTrackAdded((MediaTrack)e.Item!);
                break;
            case SourceEventKind.TrackUpdated when e.Generation == _generation:
                OnTrackUpdated((MediaTrack)e.Item!);
                break;
            case SourceEventKind.TracksComplete when e.Generation == _generation:
                GoLive();
                break;
            case SourceEventKind.Metadata when e.Generation == _generation:
                _metadata = (StreamMetadata)e.Item!;
                if (_live)
                {
                    NotifyTracksChanged();
                }

                break;
            case SourceEventKind.PublisherAttached:
                OnPublisherAttached((Publisher)e.Item!);
                break;
            case SourceEventKind.PublisherGone when e.Generation == _generation:
                OnPublisherGone();
                break;
            case SourceEventKind.SinkAdded:
                OnSinkAdded((SinkState)e.Item!);
                break;
            case SourceEventKind.SinkRemoved:
                OnSinkRemoved((SinkState)e.Item!);
                break;
            case SourceEventKind.Tick:
                OnTick(DateTime.UtcNow);
                break;
            case SourceEventKind.Query:
                ((Action<Source>)e.Item!)(this);
                break;
            case SourceEventKind.Close:
                Shutdown((string?)e.Item ?? "closed");
                break;
        }
    }

    private void OnPublisherAttached(Publisher publisher)
    {
        ReleaseProbeBuffer();
        _generation = publisher.Generation;
        _hasPublisher = true;
        _everPublished = true;
        _publisherSince = DateTime.UtcNow;
        _publisherTracks.Clear();
        _live = false;
        _lastMediaAt = Environment.TickCount64;
        _noPlayersSince = Environment.TickCount64;
        Log.PublisherAttached(_logger, Id, publisher.Request.Protocol, publisher.Request.RemoteAddress, _sinks.Count);
    }

    private void OnTrackAdded(MediaTrack track)
    {
        _publisherTracks.Add(track);
        if (!_live)
        {
            return;
        }

        // A late track (e.g. audio starting seconds after video): the stream grows by one track.
        var added = track with { Index = _tracks.Count };
        _tracks = [.. _tracks, added];
        Array.Resize(ref _trackMap, Math.Max(_trackMap.Length, track.Index + 1));
        _trackMap[track.Index] = added.Index;
        Array.Resize(ref _lastDts, _tracks.Count);
        _lastDts[^1] = long.MinValue;
        _hasVideo |= added.MediaType == MediaType.Video;
        Log.LateTrack(_logger, Id, added.ToString());
        NotifyTracksChanged();
    }

    private void OnTrackUpdated(MediaTrack track)
    {
        int i = _publisherTracks.FindIndex(t => t.Index == track.Index);
        if (i < 0)
        {
            return;
        }

        _publisherTracks[i] = track;
        if (_live && track.Index < _trackMap.Length)
        {
            int outIndex = _trackMap[track.Index];
            _tracks = [.. _tracks];
            _tracks[outIndex] = track with { Index = outIndex };
            NotifyTracksChanged();
        }
    }

    private void GoLive()
    {
        if (_live || !_hasPublisher || _publisherTracks.Count == 0)
        {
            return;
        }

        var map = _tracks.Count > 0 ? MapForResume(_tracks, _publisherTracks) : null;
        if (map is not null && _sinks.Count > 0)
        {
            // The same codecs came back within the resume window: players continue with continuous timestamps.
            _trackMap = map;
            var tracks = _tracks.ToList();
            foreach (var t in _publisherTracks)
            {
                tracks[map[t.Index]] = t with { Index = map[t.Index] };
            }

            bool changed = !tracks.SequenceEqual(_tracks, TrackConfigComparer.Instance);
            _tracks = tracks;
            _needOffset = true;
            Log.Resumed(_logger, Id, _sinks.Count);
            if (changed)
            {
                NotifyTracksChanged();
            }
        }
        else
        {
            if (_tracks.Count > 0)
            {
                CloseAllSinksOfTransStreams("the stream restarted with other codecs");
            }

            _tracks = _publisherTracks.Select((t, i) => t with { Index = i }).ToList();
            _trackMap = new int[_publisherTracks.Max(t => t.Index) + 1];
            for (int i = 0; i < _publisherTracks.Count; i++)
            {
                _trackMap[_publisherTracks[i].Index] = i;
            }

            _lastDts = Enumerable.Repeat(long.MinValue, _tracks.Count).ToArray();
            _lastDtsMax = long.MinValue;
            _timestampOffset = 0;
            _needOffset = false;
        }

        _hasVideo = _tracks.Any(t => t.MediaType == MediaType.Video);
        _live = true;
        Log.Live(_logger, Id, string.Join(", ", _tracks), (DateTime.UtcNow - _publisherSince).TotalMilliseconds);

        foreach (var packet in _probeBuffer)
        {
            OnLivePacket(packet);
            packet.Release();
        }

        _probeBuffer.Clear();

        foreach (var sink in _sinks.ToList())
        {
            if (sink.Trans is null && !sink.Removed)
            {
                Attach(sink);
            }
        }
    }

    /// <summary>Maps the new publisher's tracks onto the stream's by media type, or null when they cannot continue.</summary>
    private static int[]? MapForResume(List<MediaTrack> current, List<MediaTrack> incoming)
    {
        if (current.Count != incoming.Count)
        {
            return null;
        }

        var map = new int[incoming.Max(t => t.Index) + 1];
        var used = new bool[current.Count];
        foreach (var t in incoming)
        {
            int match = current.FindIndex(c => !used[c.Index] && c.IsCompatibleWith(t));
            if (match < 0)
            {
                return null;
            }

            used[match] = true;
            map[t.Index] = match;
        }

        return map;
    }

    private void OnPublisherPacket(in MediaPacket packet)
    {
        _packets++;
        _bytesIn += packet.Buffer.Length;
        _lastMediaAt = Environment.TickCount64;
        if (_live)
        {
            OnLivePacket(packet);
            return;
        }

        if (_probeBuffer.Count >= ProbeBufferMaxPackets)
        {
            // A publisher that never completes its track set still starts with what it has.
            GoLive();
            if (_live)
            {
                OnLivePacket(packet);
                return;
            }

            _probeBuffer[0].Release();
            _probeBuffer.RemoveAt(0);
        }

        packet.Retain();
        _probeBuffer.Add(packet);
    }

    private void OnLivePacket(in MediaPacket input)
    {
        if ((uint)input.TrackIndex >= (uint)_trackMap.Length)
        {
            return;
        }

        int track = _trackMap[input.TrackIndex];
        if (_needOffset)
        {
            _timestampOffset = (_lastDtsMax == long.MinValue ? 0 : _lastDtsMax + ResumeGapMs) - input.Dts;
            _needOffset = false;
        }

        long dts = input.Dts + _timestampOffset;
        long pts = input.Pts + _timestampOffset;
        if (dts < _lastDts[track])
        {
            // Never let a track go backwards: players and muxers rely on monotonic timestamps.
            pts += _lastDts[track] - dts;
            dts = _lastDts[track];
        }

        _lastDts[track] = dts;
        _lastDtsMax = Math.Max(_lastDtsMax, dts);
        var packet = new MediaPacket(track, dts, pts, input.IsKeyFrame, input.Buffer);
        bool isVideo = _tracks[track].MediaType == MediaType.Video;

        if (_options.GopCache)
        {
            _gop.Add(packet, isVideo, _hasVideo);
        }

        foreach (var trans in _trans.Values)
        {
            _completed.Clear();
            trans.Trans.Write(packet, _completed);
            Distribute(trans, _completed);
        }
    }

    private void OnPublisherGone()
    {
        var publisher = ActivePublisher;
        _hasPublisher = false;
        _publisherGoneAt = DateTime.UtcNow;
        _live = false;
        ReleaseProbeBuffer();
        _gop.Clear();
        foreach (var trans in _trans.Values)
        {
            if (trans.Trans.Flush() is { } last)
            {
                _completed.Clear();
                _completed.Add(last);
                Distribute(trans, _completed);
            }

            trans.ClearGop();
        }

        Log.PublisherGone(_logger, Id, _sinks.Count, _sinks.Count > 0 ? _options.ResumeWindow.TotalSeconds : 0);
        if (_sinks.Count == 0)
        {
            _tracks = [];
            Hub.TryRemove(this);
        }
    }

    private void OnSinkAdded(SinkState sink)
    {
        _sinks.Add(sink);
        if (_live)
        {
            Attach(sink);
        }
        else
        {
            sink.WaitingSince = DateTime.UtcNow;
            Log.PlayerWaiting(_logger, Id, sink.Sink.Protocol, sink.Sink.RemoteEndPoint?.ToString() ?? "-");
        }
    }

    private void Attach(SinkState sink)
    {
        sink.WaitingSince = null;
        if (!_trans.TryGetValue(sink.Sink.TransProtocol, out var trans))
        {
            var factory = _registry.Find(sink.Sink.TransProtocol);
            if (factory is null)
            {
                Drop(sink, $"no plugin provides the '{sink.Sink.TransProtocol}' output");
                return;
            }

            trans = new TransStreamState(factory.Protocol, factory.Create(new TransStreamContext
            {
                StreamId = Id,
                Tracks = _tracks,
                Metadata = _metadata,
                MergeWriteMs = _options.MergeWriteMs,
            }), _options.GopCache, _options.GopCacheMaxBytes);
            _trans.Add(sink.Sink.TransProtocol, trans);

            // Prime the new muxer from the GOP cache so its first player starts at once.
            foreach (var packet in _gop.Packets)
            {
                _completed.Clear();
                trans.Trans.Write(packet, _completed);
                Distribute(trans, _completed);
            }
        }

        // Complete the pending merge-write window so the joining player gets everything up to now.
        if (trans.Trans.Flush() is { } pending)
        {
            _completed.Clear();
            _completed.Add(pending);
            Distribute(trans, _completed);
        }

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

        Log.PlayerAttached(_logger, Id, sink.Sink.Protocol, sink.Sink.RemoteEndPoint?.ToString() ?? "-", trans.Gop.Count, trans.Sinks.Count);
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

        if (sink.Sink.TrySend(segment, _options.SinkLimits))
        {
            _bytesOut += segment.Length;
            return true;
        }

        _droppedPlayers++;
        Log.PlayerTooSlow(_logger, Id, sink.Sink.Protocol, sink.Sink.RemoteEndPoint?.ToString() ?? "-");
        Drop(sink, "too slow: send queue over its bound");
        return false;
    }

    private void Drop(SinkState sink, string reason)
    {
        sink.Sink.Close(reason);
        Detach(sink);
    }

    private void OnSinkRemoved(SinkState sink)
    {
        if (!sink.Removed)
        {
            Log.PlayerLeft(_logger, Id, sink.Sink.Protocol, sink.Sink.RemoteEndPoint?.ToString() ?? "-", sink.Sink.BytesSent);
        }

        Detach(sink);
        _sinks.Remove(sink);
        if (_sinks.Count == 0)
        {
            _noPlayersSince = Environment.TickCount64;
        }

        MaybeRemove();
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
                _trans.Remove(trans.Protocol);
                trans.Dispose();
            }
        }
    }

    private void OnTick(DateTime now)
    {
        // Routes may have been edited: the next decision uses the current policy.
        _options = Hub.ResolvePolicy(Id);
        _rates.Sample(_bytesIn, _bytesOut);
        CheckTimeouts();

        if (_hasPublisher && !_live && now - _publisherSince > _options.ProbeTimeout && _publisherTracks.Count > 0)
        {
            Log.ProbeTimeout(_logger, Id, _options.ProbeTimeout.TotalMilliseconds, string.Join(", ", _publisherTracks));
            GoLive();
        }

        if (!_hasPublisher && _everPublished && _sinks.Count > 0 && now - _publisherGoneAt > _options.ResumeWindow)
        {
            foreach (var sink in _sinks.ToList())
            {
                if (sink.WaitingSince is null)
                {
                    Drop(sink, "the stream ended");
                }
            }

            _tracks = [];
            _everPublished = false;
        }

        foreach (var sink in _sinks)
        {
            if (sink.WaitingSince is { } since && !sink.Removed && now - since > _options.WaitTimeout)
            {
                Drop(sink, $"the stream was not published within {_options.WaitTimeout.TotalSeconds:0.#} s");
            }
        }

        MaybeRemove();
    }

    private void MaybeRemove()
    {
        if (!_hasPublisher && _sinks.TrueForAll(s => s.Removed) && (_sinks.Count == 0 || !_everPublished))
        {
            _sinks.Clear();
            Hub.TryRemove(this);
        }
    }

    private void NotifyTracksChanged()
    {
        _hasVideo = _tracks.Any(t => t.MediaType == MediaType.Video);
        foreach (var trans in _trans.Values)
        {
            _completed.Clear();
            trans.Trans.OnTracksChanged(_tracks, _metadata, _completed);
            Distribute(trans, _completed);
        }
    }

    private void CloseAllSinksOfTransStreams(string reason)
    {
        foreach (var sink in _sinks.ToList())
        {
            if (sink.Trans is not null)
            {
                Drop(sink, reason);
            }
        }

        foreach (var trans in _trans.Values)
        {
            trans.Dispose();
        }

        _trans.Clear();
    }

    private void ReleaseProbeBuffer()
    {
        foreach (var p in _probeBuffer)
        {
            p.Release();
        }

        _probeBuffer.Clear();
    }

    private void Shutdown(string reason)
    {
        ActivePublisher?.Close();
        foreach (var sink in _sinks.ToList())
        {
            Drop(sink, reason);
        }

        _sinks.Clear();
        foreach (var trans in _trans.Values)
        {
            trans.Dispose();
        }

        _trans.Clear();
        ReleaseProbeBuffer();
        _gop.Clear();
        Hub.TryRemove(this);
    }

    private sealed class TrackConfigComparer : IEqualityComparer<MediaTrack>
    {
        public static readonly TrackConfigComparer Instance = new();

        public bool Equals(MediaTrack? x, MediaTrack? y) =>
            x is not null && y is not null && x.Codec == y.Codec && x.CodecConfig.Span.SequenceEqual(y.CodecConfig.Span);

        public int GetHashCode(MediaTrack obj) => obj.Codec.GetHashCode();
    }
}
