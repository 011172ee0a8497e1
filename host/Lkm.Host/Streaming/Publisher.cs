using System.Net;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>The hub's side of one publishing session: every call only posts an event to the source's loop.</summary>
internal sealed class Publisher : IPublisher
{
    private readonly Source _source;
    private readonly Action<Publisher> _onGone;
    private readonly Func<Publisher, CancellationToken, ValueTask>? _authorize;
    private readonly CancellationTokenSource _closed = new();
    private int _trackCount;
    private int _disposed;

    /// <param name="onGone">Called once when the plugin disposes the publisher (the hub's bookkeeping).</param>
    /// <param name="authorize">Runs on_publish for a publish made with <see cref="PublishRequest.AuthorizeLater"/>; null when the hub already did.</param>
    public Publisher(Source source, long generation, PublishRequest request, Action<Publisher> onGone, Func<Publisher, CancellationToken, ValueTask>? authorize = null)
    {
        _source = source;
        _onGone = onGone;
        _authorize = authorize;
        Authorized = authorize is null;
        Generation = generation;
        Request = request;
        StartedAt = DateTime.UtcNow;
    }

    public string StreamId => _source.Id;

    public long Generation { get; }

    /// <summary>The request, with the sender filled in by <see cref="AuthorizeAsync"/> for a publish authorized later.</summary>
    public PublishRequest Request { get; private set; }

    /// <summary>on_publish allowed this publish (at once, or at <see cref="AuthorizeAsync"/>).</summary>
    public bool Authorized { get; private set; }

    public DateTime StartedAt { get; }

    public CancellationToken Closed => _closed.Token;

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    private long _bytesReceived;

    public async ValueTask AuthorizeAsync(EndPoint? remoteEndPoint, CancellationToken cancellationToken)
    {
        if (Authorized || _authorize is null)
        {
            return;
        }

        if (remoteEndPoint is not null)
        {
            Request = Request with { RemoteEndPoint = remoteEndPoint };
        }

        await _authorize(this, cancellationToken).ConfigureAwait(false);
        Authorized = true;
        _source.Post(new SourceEvent(SourceEventKind.PublisherAuthorized, Generation));
    }

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
        if (!Authorized)
        {
            throw new InvalidOperationException($"stream '{StreamId}': packets written before on_publish allowed the publish (call AuthorizeAsync first)");
        }

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
