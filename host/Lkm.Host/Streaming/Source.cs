using System.Threading.Channels;
using Lkm.Host.Routing;
using Lkm.Sdk.Media;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// One stream id: its publisher (if any) and where its media goes. Everything is done on one event
/// loop fed by a channel, so nothing here takes a lock or blocks on a player. The work is split
/// among parts that each own their state: <see cref="TrackSet"/> (tracks and probing),
/// <see cref="Timeline"/> (timestamps across resumes), <see cref="SourceOutputs"/> (GOP cache, trans
/// streams, players) and <see cref="SourceTimeouts"/>; this class runs the loop and the publisher's life.
/// </summary>
internal sealed partial class Source
{
    private readonly Channel<SourceEvent> _events = Channel.CreateUnbounded<SourceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SourceServices _services;
    private readonly ILogger _logger;
    private readonly TrackSet _tracks = new();
    private readonly Timeline _timeline = new();
    private readonly ProbeBuffer _probe = new();
    private readonly SourceCounters _counters = new();
    private readonly SourceOutputs _outputs;
    private readonly SourceTimeouts _timeouts;
    private StreamPolicy _policy;
    private long _pending;

    // The current publisher, as the loop knows it (the hub keeps its own view for exclusivity).
    private Publisher? _publisher;
    private long _generation = -1;
    private DateTime _publisherSince;
    private DateTime _publisherGoneAt;
    private bool _everPublished;
    private bool _live;

    public Source(string id, StreamPolicy policy, SourceServices services)
    {
        Id = id;
        _policy = policy;
        _services = services;
        _logger = services.Logger;
        _outputs = new SourceOutputs(id, policy, services.Registry, _counters, services.Counters, _logger);
        _timeouts = new SourceTimeouts(id, services.Hooks, _logger, PostAction, CloseFor);
        Loop = Task.Run(RunAsync);
    }

    public string Id { get; }

    public Task Loop { get; }

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

    /// <summary>Runs <paramref name="action"/> on the loop; false when the source has ended.</summary>
    public bool PostAction(Action action) => Post(new SourceEvent(SourceEventKind.Invoke, item: action));

    /// <summary>No more events: the loop ends once it has handled those posted.</summary>
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
            case SourceEventKind.Packet when e.Generation == _generation:
                OnPublisherPacket(e.Packet);
                break;
            case SourceEventKind.TrackAdded when e.Generation == _generation:
                OnTrackAdded((MediaTrack)e.Item!);
                break;
            case SourceEventKind.TrackUpdated when e.Generation == _generation:
                if (_tracks.UpdatePublisherTrack((MediaTrack)e.Item!, _live))
                {
                    _outputs.TracksChanged(_tracks);
                }

                break;
            case SourceEventKind.TracksComplete when e.Generation == _generation:
                GoLive();
                break;
            case SourceEventKind.Metadata when e.Generation == _generation:
                _tracks.Metadata = (StreamMetadata)e.Item!;
                if (_live)
                {
                    _outputs.TracksChanged(_tracks);
                }

                break;
            case SourceEventKind.PublisherAttached:
                OnPublisherAttached((Publisher)e.Item!);
                break;
            case SourceEventKind.PublisherAuthorized when e.Generation == _generation:
                // A publish reserved before its device sent (GB28181): the probe and receive clocks start at its first packet.
                _publisherSince = DateTime.UtcNow;
                _timeouts.Restart();
                break;
            case SourceEventKind.PublisherGone when e.Generation == _generation:
                OnPublisherGone();
                break;
            case SourceEventKind.SinkAdded:
                _outputs.AddPlayer((SinkState)e.Item!, _tracks, _live);
                break;
            case SourceEventKind.SinkRemoved:
                if (_outputs.RemovePlayer((SinkState)e.Item!))
                {
                    _timeouts.NoPlayersLeft();
                }

                MaybeRemove();
                break;
            case SourceEventKind.Tick:
                OnTick(DateTime.UtcNow);
                break;
            case SourceEventKind.Invoke:
                ((Action)e.Item!)();
                break;
            case SourceEventKind.Close:
                Shutdown((string?)e.Item ?? "closed");
                break;
        }
    }

    private void OnPublisherAttached(Publisher publisher)
    {
        _probe.Clear();
        _publisher = publisher;
        _generation = publisher.Generation;
        _everPublished = true;
        _publisherSince = DateTime.UtcNow;
        _tracks.BeginPublisher();
        _live = false;
        _timeouts.Restart();
        Log.PublisherAttached(_logger, Id, publisher.Request.Protocol, publisher.Request.RemoteAddress, _outputs.Players.Count);
    }

    private void OnTrackAdded(MediaTrack track)
    {
        if (_tracks.AddPublisherTrack(track, _live) is { } late)
        {
            _timeline.AddTrack();
            Log.LateTrack(_logger, Id, late.ToString());
            _outputs.TracksChanged(_tracks);
        }
    }

    private void GoLive()
    {
        if (_live || _publisher is null || _tracks.PublisherTracks.Count == 0)
        {
            return;
        }

        // The same codecs came back within the resume window: players continue with continuous timestamps.
        bool? resumed = _outputs.Players.Count > 0 ? _tracks.TryResume() : null;
        if (resumed is { } changed)
        {
            _timeline.Resume();
            Log.Resumed(_logger, Id, _outputs.Players.Count);
            if (changed)
            {
                _outputs.TracksChanged(_tracks);
            }
        }
        else
        {
            if (!_tracks.IsEmpty)
            {
                _outputs.DropAttached("the stream restarted with other codecs");
            }

            _tracks.StartFromPublisher();
            _timeline.Reset(_tracks.Tracks.Count);
        }

        _live = true;
        Log.Live(_logger, Id, _tracks.ToString(), (DateTime.UtcNow - _publisherSince).TotalMilliseconds);

        foreach (var packet in _probe.Packets)
        {
            OnLivePacket(packet);
        }

        _probe.Clear();
        _outputs.AttachWaiting(_tracks);
    }

    private void OnPublisherPacket(in MediaPacket packet)
    {
        _counters.PacketIn(packet.Buffer.Length);
        _timeouts.MediaArrived();
        if (!_live && _probe.IsFull)
        {
            // A publisher that never completes its track set still starts with what it has.
            GoLive();
        }

        if (_live)
        {
            OnLivePacket(packet);
        }
        else
        {
            _probe.Add(packet);
        }
    }

    private void OnLivePacket(in MediaPacket input)
    {
        int track = _tracks.StreamIndexOf(input.TrackIndex);
        if (track < 0)
        {
            return;
        }

        var packet = _timeline.Map(input, track);
        _outputs.Write(packet, _tracks.IsVideo(track), _tracks.HasVideo);
    }

    private void OnPublisherGone()
    {
        _publisher = null;
        _publisherGoneAt = DateTime.UtcNow;
        _live = false;
        _probe.Clear();
        _outputs.PublisherGone();
        int players = _outputs.Players.Count;
        Log.PublisherGone(_logger, Id, players, players > 0 ? _policy.ResumeWindow.TotalSeconds : 0);
        if (players == 0)
        {
            _tracks.Clear();
            _services.Owner.OnSourceIdle(this);
        }
    }

    private void OnTick(DateTime now)
    {
        // Routes may have been edited: the next decision uses the current policy.
        _policy = _services.Routes.Resolve(Id);
        _outputs.Policy = _policy;
        _counters.Sample();
        _timeouts.Check(_policy, _publisher, _outputs.Players.Count);

        if (_publisher is not null && !_live && now - _publisherSince > _policy.ProbeTimeout && _tracks.PublisherTracks.Count > 0)
        {
            Log.ProbeTimeout(_logger, Id, _policy.ProbeTimeout.TotalMilliseconds, string.Join(", ", _tracks.PublisherTracks));
            GoLive();
        }

        if (_publisher is null && _everPublished && _outputs.Players.Count > 0 && now - _publisherGoneAt > _policy.ResumeWindow)
        {
            _outputs.DropAttachedOnly("the stream ended");
            _tracks.Clear();
            _everPublished = false;
        }

        _outputs.DropExpiredWaits(now);
        MaybeRemove();
    }

    private void MaybeRemove()
    {
        if (_publisher is null && _outputs.AllRemoved && (_outputs.Players.Count == 0 || !_everPublished))
        {
            _outputs.Forget();
            _services.Owner.OnSourceIdle(this);
        }
    }

    /// <summary>A timeout decided to end the stream; false when that publisher has already left.</summary>
    private bool CloseFor(Publisher publisher, string reason)
    {
        if (!ReferenceEquals(_publisher, publisher))
        {
            return false;
        }

        Shutdown(reason);
        return true;
    }

    private void Shutdown(string reason)
    {
        _publisher?.Close();
        _outputs.Close(reason);
        _probe.Clear();
        _services.Owner.OnSourceIdle(this);
    }
}
