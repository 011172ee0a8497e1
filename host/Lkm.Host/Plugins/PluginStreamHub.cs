using System.Net;
using Lkm.Host.Networking;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Plugins;

/// <summary>
/// The hub as one plugin version sees it: a publish that is not part of a connection or request the host already counts
/// (a GB28181 source fed by UDP datagrams, a TCP connection the plugin dialled itself) is a session of that version until
/// the plugin disposes the publisher, so the API's live sessions and the hot-swap drain see it.
/// </summary>
internal sealed class PluginStreamHub(IStreamHub hub, IListenerOwner owner) : IStreamHub
{
    public async ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        var publisher = await hub.PublishAsync(request, cancellationToken).ConfigureAwait(false);
        if (CountedSession.IsActive)
        {
            return publisher;
        }

        owner.SessionStarted();
        return new CountedPublisher(publisher, owner);
    }

    public ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default) =>
        hub.PlayAsync(request, sink, cancellationToken);

    private sealed class CountedPublisher(IPublisher inner, IListenerOwner owner) : IPublisher
    {
        private int _disposed;

        public string StreamId => inner.StreamId;

        public CancellationToken Closed => inner.Closed;

        public ValueTask AuthorizeAsync(EndPoint? remoteEndPoint, CancellationToken cancellationToken) => inner.AuthorizeAsync(remoteEndPoint, cancellationToken);

        public int AddTrack(MediaTrack track) => inner.AddTrack(track);

        public void UpdateTrack(MediaTrack track) => inner.UpdateTrack(track);

        public void TracksComplete() => inner.TracksComplete();

        public void SetMetadata(StreamMetadata metadata) => inner.SetMetadata(metadata);

        public void Write(in MediaPacket packet) => inner.Write(packet);

        public void AddBytesReceived(long count) => inner.AddBytesReceived(count);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                owner.SessionEnded();
            }
        }
    }
}
