using System.Net;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Streaming;

/// <summary>
/// The ingest side of one live stream. Calls come from the plugin's session (one thread at a time);
/// they only post to the source's event loop and never block on players.
/// </summary>
public interface IPublisher : IAsyncDisposable
{
    /// <summary>The stream id the publish was granted for (e.g. <c>live/cam1</c>).</summary>
    string StreamId { get; }

    /// <summary>Signalled when the host ends the publish (API close, timeout, shutdown): the plugin closes the connection.</summary>
    CancellationToken Closed { get; }

    /// <summary>
    /// Runs <c>on_publish</c> for a publish made with <see cref="PublishRequest.AuthorizeLater"/>, now that the sender
    /// (<paramref name="remoteEndPoint"/>, null when unknown) is known. Throws <see cref="StreamDeniedException"/> when
    /// refused: dispose the publisher then. Packets are refused until it has allowed the publish. Completes at once for a
    /// publish <see cref="IStreamHub.PublishAsync"/> already authorized.
    /// </summary>
    ValueTask AuthorizeAsync(EndPoint? remoteEndPoint, CancellationToken cancellationToken);

    /// <summary>Adds a track and returns its index. A track may be added late (e.g. audio starting after video).</summary>
    int AddTrack(MediaTrack track);

    /// <summary>Updates a track's codec config (e.g. a new sequence header mid-stream).</summary>
    void UpdateTrack(MediaTrack track);

    /// <summary>Says the track set is known; players waiting for the stream are attached.</summary>
    void TracksComplete();

    /// <summary>Hands the publisher's descriptive metadata (e.g. RTMP onMetaData) to the source, which passes it on to players.</summary>
    void SetMetadata(StreamMetadata metadata);

    /// <summary>Hands one packet to the source; the source retains what it keeps. The caller still releases its own reference.</summary>
    void Write(in MediaPacket packet);

    /// <summary>Counts received protocol bytes for statistics.</summary>
    void AddBytesReceived(long count);
}
