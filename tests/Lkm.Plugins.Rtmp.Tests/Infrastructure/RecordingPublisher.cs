using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

internal sealed record RecordedPacket(int TrackIndex, long Dts, long Pts, bool IsKeyFrame, byte[] Data);

/// <summary>An <see cref="IPublisher"/> that keeps what the plugin hands it.</summary>
internal sealed class RecordingPublisher : IPublisher
{
    private readonly Lock _lock = new();
    private readonly List<MediaTrack> _tracks = [];
    private readonly List<RecordedPacket> _packets = [];
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _tracksComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<RecordingPublisher>? _onDispose;
    private long _bytesReceived;

    public RecordingPublisher(PublishRequest request, Action<RecordingPublisher>? onDispose = null)
    {
        Request = request;
        _onDispose = onDispose;
    }

    public PublishRequest Request { get; }

    public string StreamId => Request.StreamId;

    public CancellationToken Closed => _closed.Token;

    public StreamMetadata? Metadata { get; private set; }

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public Task Disposed => _disposed.Task;

    public Task TracksCompleted => _tracksComplete.Task;

    public IReadOnlyList<MediaTrack> Tracks
    {
        get
        {
            lock (_lock)
            {
                return [.. _tracks];
            }
        }
    }

    public IReadOnlyList<RecordedPacket> Packets
    {
        get
        {
            lock (_lock)
            {
                return [.. _packets];
            }
        }
    }

    /// <summary>What the host does on API close or a timeout.</summary>
    public void CloseFromHost() => _closed.Cancel();

    public int AddTrack(MediaTrack track)
    {
        lock (_lock)
        {
            int index = _tracks.Count;
            _tracks.Add(track with { Index = index });
            return index;
        }
    }

    public void UpdateTrack(MediaTrack track)
    {
        lock (_lock)
        {
            _tracks[track.Index] = track;
        }
    }

    public void TracksComplete() => _tracksComplete.TrySetResult();

    public void SetMetadata(StreamMetadata metadata) => Metadata = metadata;

    public void Write(in MediaPacket packet)
    {
        lock (_lock)
        {
            _packets.Add(new RecordedPacket(packet.TrackIndex, packet.Dts, packet.Pts, packet.IsKeyFrame, packet.Data.ToArray()));
        }
    }

    public void AddBytesReceived(long count) => Interlocked.Add(ref _bytesReceived, count);

    public ValueTask DisposeAsync()
    {
        _onDispose?.Invoke(this);
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
