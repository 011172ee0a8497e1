using System.Net;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Testing;

/// <summary>
/// An <see cref="IPublisher"/> that records what an ingest (a plugin's publish session, <c>FlvIngest</c>, ...) hands
/// the hub: tracks indexed as the hub indexes them, track updates, metadata and packets. Thread safe.
/// </summary>
/// <remarks>
/// Every packet is copied into <see cref="Packets"/>. With <see cref="RetainPackets"/> the publisher also keeps the
/// packet itself with a reference of its own (<see cref="RetainedPackets"/>), so a test can check the writer released
/// its reference (<see cref="AssertWriterReleasedAndRelease"/>).
/// </remarks>
public sealed class RecordingPublisher : IPublisher
{
    private readonly Lock _lock = new();
    private readonly List<MediaTrack> _tracks = [];
    private readonly List<MediaTrack> _updates = [];
    private readonly List<RecordedPacket> _packets = [];
    private readonly List<MediaPacket> _retained = [];
    private readonly List<StreamMetadata> _metadata = [];
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _tracksComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<RecordingPublisher>? _onDispose;
    private long _bytesReceived;
    private int _tracksCompleteCalls;
    private int _packetsBeforeComplete;

    /// <summary>A publisher of <c>live/test</c> (protocol <c>test</c>), as when a test drives an ingest directly.</summary>
    public RecordingPublisher()
        : this(new PublishRequest { StreamId = "live/test", Protocol = "test" })
    {
    }

    /// <summary>A publisher for <paramref name="request"/>; <paramref name="onDispose"/> runs when the plugin disposes it.</summary>
    public RecordingPublisher(PublishRequest request, Action<RecordingPublisher>? onDispose = null)
    {
        Request = request;
        _onDispose = onDispose;
    }

    /// <summary>The request the publisher was created for.</summary>
    public PublishRequest Request { get; }

    /// <summary>Also keep each written packet (with a reference of our own) in <see cref="RetainedPackets"/>.</summary>
    public bool RetainPackets { get; init; }

    /// <inheritdoc/>
    public string StreamId => Request.StreamId;

    /// <summary>What <see cref="AuthorizeAsync"/> answers: null allows, otherwise the refusal thrown.</summary>
    public StreamDeniedException? Denial { get; set; }

    /// <summary>The sender each <see cref="AuthorizeAsync"/> call named, in order.</summary>
    public IReadOnlyList<EndPoint?> Authorizations
    {
        get
        {
            lock (_lock)
            {
                return [.. _authorizations];
            }
        }
    }

    private readonly List<EndPoint?> _authorizations = [];

    /// <inheritdoc/>
    public ValueTask AuthorizeAsync(EndPoint? remoteEndPoint, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _authorizations.Add(remoteEndPoint);
        }

        return Denial is { } denial ? ValueTask.FromException(denial) : ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public CancellationToken Closed => _closed.Token;

    /// <summary>The last metadata set, or null when none was.</summary>
    public StreamMetadata? Metadata
    {
        get
        {
            lock (_lock)
            {
                return _metadata.Count == 0 ? null : _metadata[^1];
            }
        }
    }

    /// <summary>Every metadata set, in order.</summary>
    public IReadOnlyList<StreamMetadata> MetadataUpdates => Snapshot(_metadata);

    /// <summary>Protocol bytes counted through <see cref="AddBytesReceived"/>.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Completes when the plugin disposed the publisher (the publish ended).</summary>
    public Task Disposed => _disposed.Task;

    /// <summary>Completes at the first <see cref="TracksComplete"/>.</summary>
    public Task TracksCompleted => _tracksComplete.Task;

    /// <summary>True once <see cref="TracksComplete"/> was called.</summary>
    public bool IsTracksComplete => Volatile.Read(ref _tracksCompleteCalls) > 0;

    /// <summary>How many times <see cref="TracksComplete"/> was called (an ingest should call it once).</summary>
    public int TracksCompleteCalls => Volatile.Read(ref _tracksCompleteCalls);

    /// <summary>Number of packets written before the (last) <see cref="TracksComplete"/> call.</summary>
    public int PacketsBeforeComplete => Volatile.Read(ref _packetsBeforeComplete);

    /// <summary>The tracks, each with the index <see cref="AddTrack"/> gave it and its latest update.</summary>
    public IReadOnlyList<MediaTrack> Tracks => Snapshot(_tracks);

    /// <summary>Every <see cref="UpdateTrack"/> call, in order.</summary>
    public IReadOnlyList<MediaTrack> Updates => Snapshot(_updates);

    /// <summary>Copies of every packet written, in order.</summary>
    public IReadOnlyList<RecordedPacket> Packets => Snapshot(_packets);

    /// <summary>The packets themselves, each retained once by this publisher (only with <see cref="RetainPackets"/>).</summary>
    public IReadOnlyList<MediaPacket> RetainedPackets => Snapshot(_retained);

    /// <summary>Copies of the packets of one track.</summary>
    public IReadOnlyList<RecordedPacket> PacketsOf(int trackIndex) => [.. Packets.Where(p => p.TrackIndex == trackIndex)];

    /// <summary>Retained packets of one track (only with <see cref="RetainPackets"/>).</summary>
    public IReadOnlyList<MediaPacket> RetainedPacketsOf(int trackIndex) => [.. RetainedPackets.Where(p => p.TrackIndex == trackIndex)];

    /// <summary>Ends the publish from the host's side (API close, timeout): signals <see cref="Closed"/>.</summary>
    public void CloseFromHost() => _closed.Cancel();

    /// <inheritdoc/>
    public int AddTrack(MediaTrack track)
    {
        lock (_lock)
        {
            int index = _tracks.Count;
            _tracks.Add(track with { Index = index });
            return index;
        }
    }

    /// <inheritdoc/>
    public void UpdateTrack(MediaTrack track)
    {
        lock (_lock)
        {
            _updates.Add(track);
            _tracks[track.Index] = track;
        }
    }

    /// <inheritdoc/>
    public void TracksComplete()
    {
        lock (_lock)
        {
            _packetsBeforeComplete = _packets.Count;
            _tracksCompleteCalls++;
        }

        _tracksComplete.TrySetResult();
    }

    /// <inheritdoc/>
    public void SetMetadata(StreamMetadata metadata)
    {
        lock (_lock)
        {
            _metadata.Add(metadata);
        }
    }

    /// <inheritdoc/>
    public void Write(in MediaPacket packet)
    {
        Assert.True(packet.Buffer.RefCount >= 1, "packet handed over without a live buffer");
        var copy = RecordedPacket.Of(packet);
        lock (_lock)
        {
            _packets.Add(copy);
            if (RetainPackets)
            {
                packet.Retain();
                _retained.Add(packet);
            }
        }
    }

    /// <inheritdoc/>
    public void AddBytesReceived(long count) => Interlocked.Add(ref _bytesReceived, count);

    /// <summary>Asserts the writer released its own reference of every retained packet (only ours is left), then releases ours.</summary>
    public void AssertWriterReleasedAndRelease()
    {
        lock (_lock)
        {
            foreach (var packet in _retained)
            {
                Assert.Equal(1, packet.Buffer.RefCount);
                packet.Release();
            }

            _retained.Clear();
        }
    }

    /// <summary>Releases this publisher's reference of every retained packet.</summary>
    public void ReleaseRetained()
    {
        lock (_lock)
        {
            foreach (var packet in _retained)
            {
                packet.Release();
            }

            _retained.Clear();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _onDispose?.Invoke(this);
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
