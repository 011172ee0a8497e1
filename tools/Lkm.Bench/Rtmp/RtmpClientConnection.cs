using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Lkm.Bench.Media;
using Lkm.Bench.Net;
using Lkm.Sdk.Amf;

namespace Lkm.Bench.Rtmp;

/// <summary>
/// The client side of one RTMP connection, shared by players and publishers: plain handshake, a receive
/// loop that parses chunks (answering pings and sending Acknowledgements per the server's window),
/// transaction-matched commands and onStatus waits. Media is only counted, through <see cref="IMediaObserver"/>.
/// </summary>
public sealed class RtmpClientConnection : IRtmpMessageHandler, IAsyncDisposable
{
    private const int HandshakeLength = 1536;

    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly RtmpChunkParser _parser;
    private readonly IMediaObserver? _media;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Written only by the receive loop (acks, ping responses), flushed by it after each parse.
    private readonly ArrayBufferWriter<byte> _replies = new(256);
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<int, TaskCompletionSource<IReadOnlyList<object?>>> _pending = [];
    private TaskCompletionSource<Amf0Object>? _statusWaiter;
    private int _nextTransaction = 1;
    private long _received;
    private long _acknowledged;
    private uint _windowAckSize;
    private Task? _receiveLoop;
    private ReadPacer? _pacer;
    private Func<bool>? _paceWhen;
    private int _disposed;

    private RtmpClientConnection(Socket socket, IMediaObserver? media)
    {
        _socket = socket;
        _media = media;
        _input = PipeFactory.CreateReader(socket);
        _parser = new RtmpChunkParser(this);
    }

    /// <summary>Our outbound chunk size (128 until <see cref="SetChunkSizeAsync"/>).</summary>
    public int OutChunkSize { get; private set; } = RtmpChunkParser.DefaultChunkSize;

    public long BytesReceived => Interlocked.Read(ref _received);

    public static async Task<RtmpClientConnection> ConnectAsync(EndPoint endPoint, IMediaObserver? media, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = await TcpConnector.ConnectAsync(endPoint, timeout, cancellationToken).ConfigureAwait(false);
        return new RtmpClientConnection(socket, media);
    }

    /// <summary>Plain handshake: C0+C1, wait for S0+S1+S2, answer C2 = S1.</summary>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var c0c1 = new byte[1 + HandshakeLength];
        c0c1[0] = 3;
        Random.Shared.NextBytes(c0c1.AsSpan(9));
        await SendAsync(c0c1, cancellationToken).ConfigureAwait(false);

        const int serverLength = 1 + (2 * HandshakeLength);
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= serverLength)
            {
                byte version = buffer.FirstSpan[0];
                if (version != 3)
                {
                    throw new RtmpChunkFormatException($"handshake: server version {version}, expected 3");
                }

                var c2 = buffer.Slice(1, HandshakeLength).ToArray();
                _input.AdvanceTo(buffer.GetPosition(serverLength));
                await SendAsync(c2, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("closed by the server during the handshake");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Once <paramref name="when"/> holds, each read waits for the pacer's next tick (see <see cref="ReadPacer"/>).</summary>
    public void PaceReads(ReadPacer pacer, Func<bool> when)
    {
        _pacer = pacer;
        _paceWhen = when;
    }

    /// <summary>
    /// Starts receiving until <paramref name="cancellationToken"/> fires (the task completes normally) or the
    /// connection fails (the task faults: <see cref="EndOfStreamException"/> when the server closed it).
    /// </summary>
    public Task StartReceiveLoop(CancellationToken cancellationToken) => _receiveLoop = ReceiveLoopAsync(cancellationToken);

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                _parser.Parse(ref reader);
                Interlocked.Add(ref _received, reader.Consumed);
                _input.AdvanceTo(reader.Position, buffer.End);
                QueueAcknowledgement();
                if (_replies.WrittenCount > 0)
                {
                    await SendAsync(_replies.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    _replies.ResetWrittenCount();
                }

                if (result.IsCompleted)
                {
                    throw new EndOfStreamException("closed by the server");
                }

                if (_pacer is not null && _paceWhen!())
                {
                    await _pacer.NextTick.ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = new OperationCanceledException("the run ended");
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            FailWaiters(failure ?? new EndOfStreamException("closed"));
        }
    }

    /// <summary>Sends Set Chunk Size and uses the new size for everything sent after it.</summary>
    public async Task SetChunkSizeAsync(int size, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        RtmpControl.SetChunkSize(buffer, size);
        await SendAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        OutChunkSize = size;
    }

    /// <summary>A fresh transaction id for a command whose reply is not awaited (so no later reply is mismatched).</summary>
    public int NextTransaction() => _nextTransaction++;

    /// <summary>Sends a command with a new transaction id and waits for its <c>_result</c> (an <c>_error</c> throws).</summary>
    public async Task<IReadOnlyList<object?>> InvokeAsync(string name, uint streamId, object? commandObject, object?[] arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        int transaction = _nextTransaction++;
        var reply = new TaskCompletionSource<IReadOnlyList<object?>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pendingLock)
        {
            _pending[transaction] = reply;
        }

        await SendCommandAsync(name, transaction, streamId, commandObject, arguments, cancellationToken).ConfigureAwait(false);
        var values = await reply.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (values.Count > 0 && values[0] is "_error")
        {
            var info = values.Count > 3 ? values[3] as Amf0Object : null;
            throw new RtmpStatusException(info?["code"] as string ?? name + " failed", info?["description"] as string);
        }

        return values;
    }

    /// <summary>Sends a command that gets no <c>_result</c> (play, publish, FCPublish, ...).</summary>
    public Task SendCommandAsync(string name, int transaction, uint streamId, object? commandObject, object?[] arguments, CancellationToken cancellationToken)
    {
        var values = new object?[3 + arguments.Length];
        values[0] = name;
        values[1] = (double)transaction;
        values[2] = commandObject;
        arguments.CopyTo(values, 3);
        var buffer = new ArrayBufferWriter<byte>(256);
        RtmpControl.Command(buffer, OutChunkSize, streamId, values);
        return SendAsync(buffer.WrittenMemory, cancellationToken).AsTask();
    }

    /// <summary>Arms a wait for the next onStatus; call before sending the command it answers.</summary>
    public Task<Amf0Object> ExpectStatus()
    {
        var waiter = new TaskCompletionSource<Amf0Object>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _statusWaiter, waiter);
        return waiter.Task;
    }

    /// <summary>Sends raw, already chunked bytes (serialised with the receive loop's replies).</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    void IRtmpMessageHandler.OnMediaPayload(byte typeId, int count) => _media?.OnMediaBytes(count);

    void IRtmpMessageHandler.OnMessage(in RtmpMessage message)
    {
        switch (message.TypeId)
        {
            case RtmpMessageType.Audio:
                _media?.OnMediaComplete(MediaKind.Audio, message.Length, false);
                break;
            case RtmpMessageType.Video:
                _media?.OnMediaComplete(MediaKind.Video, message.Length,
                    message.Prefix.Length >= 2 && VideoFrameKind.IsCodedKeyframe(message.Prefix[0], message.Prefix[1]));
                break;
            case RtmpMessageType.Aggregate:
                OnAggregate(message);
                break;
            case RtmpMessageType.WindowAckSize when message.Body.Length >= 4:
                _windowAckSize = BinaryPrimitives.ReadUInt32BigEndian(message.Body);
                break;
            case RtmpMessageType.UserControl when message.Body.Length >= 6 && BinaryPrimitives.ReadUInt16BigEndian(message.Body) == 6:
                RtmpControl.PingResponse(_replies, BinaryPrimitives.ReadUInt32BigEndian(message.Body[2..]));
                break;
            case RtmpMessageType.CommandAmf0:
                OnCommand(Amf0.DecodeAll(message.Body));
                break;
            case RtmpMessageType.CommandAmf3 when message.Body.Length > 0:
                // AMF3 command messages start with a 0 byte, then plain AMF0 values.
                OnCommand(Amf0.DecodeAll(message.Body[1..]));
                break;
        }
    }

    private void OnAggregate(in RtmpMessage message)
    {
        // An aggregate is a run of FLV tags; only its first tag is classified (headers only, no walk).
        var prefix = message.Prefix;
        bool video = prefix.Length >= 1 && (prefix[0] & 0x1F) == RtmpMessageType.Video;
        bool keyframe = video && prefix.Length >= 13 && VideoFrameKind.IsCodedKeyframe(prefix[11], prefix[12]);
        _media?.OnMediaComplete(video ? MediaKind.Video : MediaKind.Audio, message.Length, keyframe);
    }

    private void OnCommand(List<object?> values)
    {
        if (values.Count < 2 || values[0] is not string name)
        {
            return;
        }

        if (name is "_result" or "_error" && values[1] is double transaction)
        {
            TaskCompletionSource<IReadOnlyList<object?>>? reply;
            lock (_pendingLock)
            {
                if (_pending.Remove((int)transaction, out reply))
                {
                    reply.TrySetResult(values);
                }
            }
        }
        else if (name == "onStatus" && values.Count > 3 && values[3] is Amf0Object info)
        {
            if (info["level"] is "error")
            {
                // Play/publish refused or ended in error: the connection is done.
                throw new RtmpStatusException(info["code"] as string ?? "onStatus error", info["description"] as string);
            }

            Interlocked.Exchange(ref _statusWaiter, null)?.TrySetResult(info);
        }
    }

    private void QueueAcknowledgement()
    {
        // Like Flash Player and ffmpeg: acknowledge every half window.
        long received = Interlocked.Read(ref _received);
        if (_windowAckSize > 0 && received - _acknowledged >= _windowAckSize / 2)
        {
            RtmpControl.Acknowledgement(_replies, (uint)received);
            _acknowledged = received;
        }
    }

    private void FailWaiters(Exception failure)
    {
        lock (_pendingLock)
        {
            foreach (var reply in _pending.Values)
            {
                reply.TrySetException(failure);
            }

            _pending.Clear();
        }

        Interlocked.Exchange(ref _statusWaiter, null)?.TrySetException(failure);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        if (_receiveLoop is { } loop)
        {
            // The closed socket ends the loop; its failure was (or will be) reported by whoever awaits it.
            await loop.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        await _input.CompleteAsync().ConfigureAwait(false);
    }
}
