using System.Net;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Http;

/// <summary>
/// A player over HTTP written straight to its socket (<see cref="DirectHttpConnection"/>): the sends of the writer
/// loop and the one last message after it (a last chunk, a close frame), and what closing does to a send in flight.
/// A player closed because it fell behind is cut at once; otherwise an in-flight send gets <see cref="WriteGrace"/>
/// to finish (its bytes are usually on their way), so a stream that ends mid-write still ends cleanly.
/// </summary>
public abstract class DirectHttpSink : SinkBase
{
    /// <summary>How long a send in flight may take to finish once the player is closed (other than as too slow).</summary>
    public static readonly TimeSpan WriteGrace = TimeSpan.FromSeconds(1);

    private volatile bool _transportAborted;

    /// <summary>A sink named by <paramref name="protocol"/> and <paramref name="transProtocol"/> (see <see cref="SinkBase"/>) writing to <paramref name="connection"/>.</summary>
    protected DirectHttpSink(string protocol, string transProtocol, DirectHttpConnection connection, EndPoint? remoteEndPoint)
        : base(protocol, transProtocol, remoteEndPoint)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
    }

    /// <summary>The player's connection; its sender is used by the writer loop only.</summary>
    protected DirectHttpConnection Connection { get; }

    /// <summary>True once the socket was shut down under a send: the connection can only be dropped now.</summary>
    protected bool TransportAborted => _transportAborted;

    /// <summary>
    /// A send of the writer loop (nothing once the player is closed). Not an async method of its own: a send that has
    /// to wait parks one pooled frame (the sender's), not one per layer.
    /// </summary>
    protected ValueTask SendAsync(ArraySegment<byte> prefix, IReadOnlyList<Segment> segments, ArraySegment<byte> suffix)
    {
        if (IsClosed)
        {
            return ValueTask.CompletedTask;
        }

        var sending = Connection.Sender.SendAsync(prefix, segments, suffix);
        if (!sending.IsCompleted && IsClosed)
        {
            // Closed while this send started: OnClosed may have looked before it counted as sending.
            _ = ShutdownIfStillWritingAsync();
        }

        return sending;
    }

    /// <summary>
    /// The one message after the writer loop ended; a player that does not take it within <paramref name="timeout"/>
    /// has its socket shut down.
    /// </summary>
    /// <returns>True when sent.</returns>
    protected async Task<bool> SendLastAsync(byte[] message, TimeSpan timeout)
    {
        if (_transportAborted)
        {
            return false;
        }

        try
        {
            await Connection.Sender.SendAsync(message, [], default).AsTask().WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            ShutdownTransport();
            return false;
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
        {
            return false;
        }
    }

    /// <summary>Lets an in-flight send finish within <see cref="WriteGrace"/>, or cuts it at once for a player closed as <see cref="SinkCloseCause.TooSlow"/>. An override calls the base.</summary>
    protected override void OnClosed(string reason)
    {
        if (!Connection.Sender.IsSending)
        {
            return;
        }

        if (CloseCause == SinkCloseCause.TooSlow)
        {
            ShutdownTransport();
        }
        else
        {
            _ = ShutdownIfStillWritingAsync();
        }
    }

    private async Task ShutdownIfStillWritingAsync()
    {
        await Task.Delay(WriteGrace).ConfigureAwait(false);
        if (Connection.Sender.IsSending)
        {
            ShutdownTransport();
        }
    }

    private void ShutdownTransport()
    {
        _transportAborted = true;
        Connection.ShutdownSend();
    }
}
