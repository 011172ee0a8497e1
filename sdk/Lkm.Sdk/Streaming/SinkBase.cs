using System.Net;
using System.Threading.Channels;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Networking;

namespace Lkm.Sdk.Streaming;

/// <summary>
/// A player connection with a bounded, lock-free send queue drained by one writer loop that hands
/// every available segment to <see cref="WriteAsync"/> at once (one gather write per wake-up).
/// The source loop only calls <see cref="TrySend"/>, which never blocks.
/// The loop calls <see cref="StartAsync"/> once, when the first segment (the stream's header) is
/// there: a player whose stream never starts gets no "200 OK" first, and the plugin can still refuse
/// it by <see cref="CloseCause"/> once <see cref="RunAsync"/> returned with <see cref="HasStarted"/> false.
/// </summary>
public abstract class SinkBase : ISink
{
    private const int InitialBatchCapacity = 16;
    private static long s_nextId;
    // A null item wakes the writer loop with nothing to write (see Wake), from a thread of the plugin's: two writers.
    // Continuations run synchronously: a TrySend that finds the writer loop waiting resumes it on the sending thread,
    // which at once re-queues it on that thread's local queue (see LocalQueueYield) instead of the global one.
    private readonly Channel<Segment?> _queue = Channel.CreateUnbounded<Segment?>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = true });
    private readonly LocalQueueYield _wakeUp = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closeDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private long _queuedBytes;
    private long _lastSentDts = -1;
    private long _bytesSent;
    private int _closed;

    /// <summary>A sink with a new <see cref="Id"/> (<c>protocol-N</c>). The plugin then awaits <see cref="RunAsync"/> for the life of the connection.</summary>
    protected SinkBase(string protocol, string transProtocol, EndPoint? remoteEndPoint)
    {
        Protocol = protocol;
        TransProtocol = transProtocol;
        RemoteEndPoint = remoteEndPoint;
        Id = $"{protocol}-{Interlocked.Increment(ref s_nextId)}";
    }

    /// <summary>Unique id, <c>protocol-N</c>.</summary>
    public string Id { get; }

    /// <summary>Protocol as players and the API see it.</summary>
    public string Protocol { get; }

    /// <summary>Name of the trans stream whose segments this sink writes.</summary>
    public string TransProtocol { get; }

    /// <summary>The player's address; null when unknown.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Completes when <see cref="RunAsync"/> has ended and every queued segment was released.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Bytes the writer loop has written.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes queued and not yet written.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>The reason given to the first <see cref="Close(SinkCloseCause, string)"/>; null while open.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Why the sink closed (valid once <see cref="IsClosed"/>).</summary>
    public SinkCloseCause CloseCause { get; private set; }

    /// <summary>True once <see cref="StartAsync"/> ran: the player got its protocol's "accepted" (headers, upgrade).</summary>
    public bool HasStarted { get; private set; }

    /// <summary>True once <see cref="Close(SinkCloseCause, string)"/> was called.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>The exception of the plugin's own code that ended the writer loop (not a connection error); null otherwise.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Cancelled when the sink closes; pass it to socket operations.</summary>
    protected CancellationToken Closing => _closing.Token;

    /// <summary>Queues <paramref name="segment"/>, retaining it, for the writer loop. Called by the host's source loop; never blocks. False, without retaining, when closed or when the player is further behind than <paramref name="limits"/>.</summary>
    public bool TrySend(Segment segment, SinkQueueLimits limits)
    {
        if (IsClosed)
        {
            return false;
        }

        long queued = Interlocked.Add(ref _queuedBytes, segment.Length);
        if (segment.IsMedia)
        {
            long sent = Volatile.Read(ref _lastSentDts);
            if (sent < 0 || queued == segment.Length)
            {
                // Nothing of ours is pending: the player is caught up to this segment.
                Volatile.Write(ref _lastSentDts, segment.StartDts);
            }
            else if (segment.EndDts - sent > limits.MaxLagMs)
            {
                Interlocked.Add(ref _queuedBytes, -segment.Length);
                return false;
            }
        }

        if (queued > limits.MaxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -segment.Length);
            return false;
        }

        segment.Retain();
        if (!_queue.Writer.TryWrite(segment))
        {
            Interlocked.Add(ref _queuedBytes, -segment.Length);
            segment.Release();
            return false;
        }

        return true;
    }

    /// <summary>Runs the writer loop until the sink closes. The plugin awaits it for the life of the connection.</summary>
    public async Task RunAsync()
    {
        var batch = new List<Segment>(InitialBatchCapacity);
        var reader = _queue.Reader;
        try
        {
            while (true)
            {
                // No token: Close completes the queue, which ends the wait, and a wait without a token reuses the
                // channel's one waiter object (with a token each wake-up allocated a new one, ~140 B per write).
                var wait = reader.WaitToReadAsync();
                if (!wait.IsCompleted)
                {
                    bool more = await wait.ConfigureAwait(false);

                    // Resumed inline on the thread that queued or closed (usually the source's loop, mid fan-out):
                    // leave it at once and run from that thread's local queue, the close path included.
                    await _wakeUp;
                    if (!more)
                    {
                        break;
                    }
                }
                else if (!wait.Result)
                {
                    break;
                }

                if (!HasStarted)
                {
                    // Once per player: the stream has started, so the protocol's "accepted" goes out now.
                    HasStarted = true;
                    await StartAsync(Closing).ConfigureAwait(false);
                }

                while (batch.Count < 256 && reader.TryRead(out var segment))
                {
                    if (segment is not null)
                    {
                        batch.Add(segment);
                    }
                }

                try
                {
                    await WriteAsync(batch, Closing).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var segment in batch)
                    {
                        Interlocked.Add(ref _queuedBytes, -segment.Length);
                        Interlocked.Add(ref _bytesSent, segment.Length);
                        if (segment.IsMedia)
                        {
                            Volatile.Write(ref _lastSentDts, segment.EndDts);
                        }

                        segment.Release();
                    }

                    batch.Clear();
                    if (batch.Capacity > InitialBatchCapacity)
                    {
                        // A join's GOP replay or a catch-up makes a big batch; do not hold its array for hours.
                        batch.Capacity = InitialBatchCapacity;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (Closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
        {
            Close("connection lost: " + ex.Message);
        }
        catch (Exception ex)
        {
            // A bug, not a peer going away: the host logs it with its stack and counts it.
            Fault = ex;
            Close($"internal error: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Close(CloseReason ?? "finished");

            // A Close on another thread wakes this loop before its OnClosed has run: completion waits for
            // it, so whoever awaits the loop sees everything OnClosed decided (e.g. RTMP's StreamNotFound).
            await _closeDone.Task.ConfigureAwait(false);
            while (reader.TryRead(out var left))
            {
                if (left is not null)
                {
                    Interlocked.Add(ref _queuedBytes, -left.Length);
                    left.Release();
                }
            }

            _completion.TrySetResult();
        }
    }

    /// <summary>Closes for a reason of the plugin's own or the player leaving (<see cref="SinkCloseCause.Ended"/>).</summary>
    public void Close(string reason) => Close(SinkCloseCause.Ended, reason);

    /// <summary>Closes the sink (idempotent, thread safe: the first call wins): completes the queue, cancels <see cref="Closing"/> and calls <see cref="OnClosed"/> on the calling thread.</summary>
    public void Close(SinkCloseCause cause, string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CloseCause = cause;
        CloseReason = reason;
        _queue.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
        }

        try
        {
            OnClosed(reason);
        }
        finally
        {
            _closeDone.TrySetResult();
        }
    }

    /// <summary>
    /// Makes the writer loop call <see cref="WriteAsync"/> soon, with an empty batch when nothing is queued: the plugin
    /// sends data of its own there (a reply to a client's ping), in order with the media and never during a write.
    /// </summary>
    protected void Wake() => _queue.Writer.TryWrite(null);

    /// <summary>
    /// Called once by the writer loop before the first <see cref="WriteAsync"/>, when the stream has started:
    /// send the protocol's acceptance here (HTTP status and headers, the WebSocket upgrade). Not called for a
    /// sink closed before its stream started.
    /// </summary>
    protected virtual ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Writes a batch of segments in order, as one gather write where the transport allows. The batch is empty after a <see cref="Wake"/> alone.</summary>
    protected abstract ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken);

    /// <summary>Called once when the sink closes: abort the transport here so a blocked write ends.</summary>
    protected virtual void OnClosed(string reason)
    {
    }
}
