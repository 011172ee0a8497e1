using System.Runtime.CompilerServices;
using System.Net.Sockets;
using Lkm.Sdk.Buffers;
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
    private const int MaxGather = 8;

    private readonly List<ArraySegment<byte>> _buffers = new(MaxGather);

    public RtmpSink(Socket socket, System.Net.EndPoint? remoteEndPoint)
        : base("rtmp", "rtmp", remoteEndPoint)
    {
        _socket = socket;
    }

    // Pooled builder: a player's writer loop awaits this a few times a second for hours; no box per write.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
    {
        if (segments.Count == 1)
        {
            // The steady state (one merge-write segment per wake-up): the socket's cached send
            // operation, no buffer list and no Task per write.
            var bytes = segments[0].Memory;
            while (!bytes.IsEmpty)
            {
                int written = await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
                bytes = bytes[written..];
            }

            return;
        }

        // Gather writes of at most MaxGather segments: the socket keeps a copy of the largest buffer list
        // it was given for the life of the connection, so a GOP replay must not make that copy large.
        for (int start = 0; start < segments.Count; start += MaxGather)
        {
            await SendGatherAsync(segments, start, Math.Min(MaxGather, segments.Count - start)).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendGatherAsync(IReadOnlyList<Segment> segments, int start, int count)
    {
        _buffers.Clear();
        long total = 0;
        for (int i = start; i < start + count; i++)
        {
            var segment = segments[i];
            if (segment.Length > 0)
            {
                _buffers.Add(segment.ArraySegment);
                total += segment.Length;
            }
        }

        try
        {
            while (total > 0)
            {
                // No cancellation overload for buffer lists: OnClosed disposes the socket, which ends a blocked send.
                int sent = await _socket.SendAsync(_buffers, SocketFlags.None).ConfigureAwait(false);
                total -= sent;
                if (total > 0)
                {
                    DropSent(sent);
                }
            }
        }
        finally
        {
            _buffers.Clear();
        }
    }

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
    }

    /// <summary>Removes what a partial send wrote from the front of the buffer list.</summary>
    private void DropSent(int sent)
    {
        while (sent > 0)
        {
            var first = _buffers[0];
            if (sent >= first.Count)
            {
                sent -= first.Count;
                _buffers.RemoveAt(0);
            }
            else
            {
                _buffers[0] = first.Slice(sent);
                sent = 0;
            }
        }
    }
}
