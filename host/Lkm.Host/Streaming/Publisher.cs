using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>The hub's side of one publishing session: every call only posts an event to the source's loop.</summary>
internal sealed class Publisher : IPublisher
{
    private readonly Source _source;
    private readonly Action<Publisher> _onGone;
    private readonly CancellationTokenSource _closed = new();
    private int _trackCount;
    private int _disposed;

    /// <param name="onGone">Called once when the plugin disposes the publisher (the hub's bookkeeping).</param>
    public Publisher(Source source, long generation, PublishRequest request, Action<Publisher> onGone)
    {
        _source = source;
        _onGone = onGone;
        Generation = generation;
        Request = request;
        StartedAt = DateTime.UtcNow;
    }

    public string StreamId => _source.Id;

    public long Generation { get; }

    public PublishRequest Request { get; }

    public DateTime StartedAt { get; }

    public CancellationToken Closed => _closed.Token;

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    private long _bytesReceived;

    public int AddTrack(MediaTrack track)
    {
        int index = Interlocked.Increment(ref _trackCount) - 1;
        _source.Post(new SourceEvent(SourceEventKind.TrackAdded, Generation, track with { Index = index }));
        return index;
    }

    public void UpdateTrack(MediaTrack track) => _source.Post(new SourceEvent(SourceEventKind.TrackUpdated, Generation, track));

    public void TracksComplete() => _source.Post(new SourceEvent(SourceEventKind.TracksComplete, Generation));

    public void SetMetadata(StreamMetadata metadata) => _source.Post(new SourceEvent(SourceEventKind.Metadata, Generation, metadata));

    public void Write(in MediaPacket packet)
    {
        if ((uint)packet.TrackIndex >= (uint)Volatile.Read(ref _trackCount))
        {
            throw new ArgumentOutOfRangeException(nameof(packet), $"track {packet.TrackIndex} was never added");
        }

        packet.Retain();
        if (!_source.Post(new SourceEvent(SourceEventKind.Packet, Generation, packet: packet)))
        {
            packet.Release();
        }
    }

    public void AddBytesReceived(long count) => Interlocked.Add(ref _bytesReceived, count);

    /// <summary>The host ends the publish (API, timeout, shutdown).</summary>
    public void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _onGone(this);
        }

        return ValueTask.CompletedTask;
    }
}
