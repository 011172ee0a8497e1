using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Lkm.Sdk.Buffers;

namespace Lkm.Sdk.Networking;

/// <summary>
/// Writes shared segments to one socket without copying them: each write is one or more gather sends
/// (sendmsg) of the segments' own arrays, with an optional per-connection prefix (a chunk or frame header)
/// and suffix. A steady-state write allocates nothing. Not thread safe: one writer (the sink's writer loop).
/// Closing is the owner's: shut the socket down or dispose it to end a blocked send.
/// </summary>
public sealed class SocketSegmentSender : IDisposable
{
    /// <summary>
    /// Buffers per send: the runtime builds up to 8 iovecs on the stack and allocates beyond, and the socket
    /// keeps a copy of the largest list it was given; a GOP replay of hundreds of segments goes in several sends.
    /// </summary>
    public const int MaxBuffersPerSend = 8;

    private readonly Socket _socket;
    private readonly List<ArraySegment<byte>> _buffers = new(MaxBuffersPerSend);
    private GatherSendOperation? _operation;
    private int _sending;

    /// <summary>A sender writing to <paramref name="socket"/>; the caller keeps owning the socket.</summary>
    public SocketSegmentSender(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>The socket written to.</summary>
    public Socket Socket => _socket;

    /// <summary>True while a send is in progress (for the owner deciding whether closing must cut it).</summary>
    public bool IsSending => Volatile.Read(ref _sending) != 0;

    /// <summary>Sends <paramref name="segments"/> in order.</summary>
    public ValueTask SendAsync(IReadOnlyList<Segment> segments) => SendAsync(default, segments, default);

    /// <summary>Sends <paramref name="prefix"/>, then <paramref name="segments"/>, then <paramref name="suffix"/> (empty parts are skipped).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ArraySegment<byte> prefix, IReadOnlyList<Segment> segments, ArraySegment<byte> suffix)
    {
        // Parts are numbered: 0 = prefix, 1..n = segments, n + 1 = suffix.
        int parts = segments.Count + 2;
        int next = 0;
        Interlocked.Exchange(ref _sending, 1); // a full fence: an owner closing at this moment sees it (DirectHttpSink)
        try
        {
            while (next < parts)
            {
                _buffers.Clear();
                long total = 0;
                while (next < parts && _buffers.Count < MaxBuffersPerSend)
                {
                    var part = next == 0 ? prefix : next == parts - 1 ? suffix : segments[next - 1].ArraySegment;
                    next++;
                    if (part.Count > 0)
                    {
                        _buffers.Add(part);
                        total += part.Count;
                    }
                }

                while (total > 0)
                {
                    int sent = await SendOnceAsync().ConfigureAwait(false);
                    if (sent <= 0)
                    {
                        throw new SocketException((int)SocketError.ConnectionReset);
                    }

                    total -= sent;
                    if (total > 0)
                    {
                        DropSent(sent);
                    }
                }
            }
        }
        finally
        {
            _buffers.Clear();
            Volatile.Write(ref _sending, 0);
        }
    }

    /// <summary>Releases the reusable send operation; does not close the socket.</summary>
    public void Dispose() => _operation?.Dispose();

    private ValueTask<int> SendOnceAsync()
    {
        var operation = _operation ??= new GatherSendOperation();
        try
        {
            return operation.SendAsync(_socket, _buffers);
        }
        catch (ObjectDisposedException)
        {
            // The owner closed the socket (a stalled player dropped, or the client gone).
            return ValueTask.FromException<int>(new SocketException((int)SocketError.OperationAborted));
        }
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
