using System.Net.Sockets;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// An RTMP player. The segments are complete RTMP messages from <see cref="Streaming.RtmpTransStream"/>,
/// identical for every player; one wake-up of the writer loop is one (gather) write on the socket.
/// Closing the sink closes the socket (which also ends the connection's read loop), except for a
/// player whose stream never started (<see cref="OwesNotFound"/>): its session first tells it
/// <c>NetStream.Play.StreamNotFound</c>, then closes the socket.
/// </summary>
public sealed class RtmpSink : SinkBase
{
    private readonly Socket _socket;
    private readonly SocketSegmentSender _sender;

    public RtmpSink(Socket socket, System.Net.EndPoint? remoteEndPoint)
        : base("rtmp", "rtmp", remoteEndPoint)
    {
        _socket = socket;
        _sender = new SocketSegmentSender(socket);
    }

    // The socket's own gather writes of the shared segments; no cancellation: OnClosed disposes the socket, which ends a blocked send.
    protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken) =>
        _sender.SendAsync(segments);

    /// <summary>
    /// Closed as <see cref="SinkCloseCause.NotFound"/> with no write in flight: the socket is still open for the
    /// session to send the error onStatus on, and the session must then call <see cref="CloseSocket"/>.
    /// </summary>
    public bool OwesNotFound { get; private set; }

    protected override void OnClosed(string reason)
    {
        // Nothing queued means no write in flight (the loop counts a batch down only once it is written), so
        // after the writer loop ends the socket is free for the session's one last message.
        if (CloseCause == SinkCloseCause.NotFound && QueuedBytes == 0)
        {
            OwesNotFound = true;
            return;
        }

        CloseSocket();
    }

    /// <summary>Shuts the socket down and disposes it (also ends the connection's read loop).</summary>
    public void CloseSocket()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _sender.Dispose();
    }
}
