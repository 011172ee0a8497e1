using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Handshake;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Plugins.Rtmp.Streaming;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// One RTMP connection: handshake, chunk stream, NetConnection/NetStream commands, then either a
/// publisher (messages into <see cref="FlvIngest"/>) or a player (<see cref="RtmpSink"/> fed by the hub).
/// All reading and all writes before a player's sink starts happen on this one loop, so control
/// messages never interleave with media chunks.
/// </summary>
internal sealed partial class RtmpConnection
{
    private const int MessageStreamId = RtmpTransStream.MessageStreamId;

    private readonly Socket _socket;
    private readonly IPluginContext _context;
    private readonly RtmpOptions _options;
    private readonly ILogger _logger;
    private readonly string _peer;
    private readonly System.Net.EndPoint? _remoteEndPoint;
    private readonly RtmpChunkReader _chunks;
    private readonly PooledBufferWriter _output = new();
    private readonly CancellationTokenSource _aborted;
    private readonly CancellationTokenSource _session;
    private CancellationToken _readToken;
    private PipeReader? _input;
    private int _outChunkSize = RtmpChunkReader.DefaultChunkSize;
    private bool _stopReading;
    private string? _closeReason;

    private string? _app;
    private string? _tcUrl;
    private string? _streamId;

    private IPublisher? _publisher;
    private FlvIngest? _ingest;
    private CancellationTokenRegistration _publisherClosed;

    private RtmpSink? _sink;
    private Task? _sinkRun;
    private IAsyncDisposable? _playHandle;

    private long _bytesReceived;
    private long _bytesAcknowledged;
    private long _ackWindow;

    public RtmpConnection(Socket socket, IPluginContext context, RtmpOptions options, ILogger logger, CancellationToken connectionToken)
    {
        _socket = socket;
        _context = context;
        _options = options;
        _logger = logger;
        _remoteEndPoint = socket.RemoteEndPoint;
        _peer = _remoteEndPoint?.ToString() ?? "-";
        _chunks = new RtmpChunkReader(options.MaxMessageSize, options.MaxChunkStreams);
        _ackWindow = options.WindowAckSize;
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(connectionToken);
        _session = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token);
        _readToken = _session.Token;
    }

    private bool IsPublishing => _publisher is not null;

    private bool IsPlaying => _sink is not null;

    public async Task RunAsync()
    {
        try
        {
            _socket.NoDelay = true;
            _session.CancelAfter(_options.SetupTimeout);
            _input = PipeReader.Create(
                new NetworkStream(_socket, ownsSocket: false),
                new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: true));
            await HandshakeAsync().ConfigureAwait(false);
            await ReadMessagesAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RtmpProtocolException or Amf0FormatException or FlvFormatException)
        {
            Log.ProtocolError(_logger, _peer, _streamId ?? "-", ex.Message);
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
            Log.ClosedByServer(_logger, _streamId ?? "-", _peer, _closeReason ?? "server shutting down");
        }
        catch (OperationCanceledException) when (_session.IsCancellationRequested)
        {
            Log.ProtocolError(_logger, _peer, _streamId ?? "-", $"no publish or play within {_options.SetupTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
        {
            Log.ConnectionLost(_logger, _peer, _streamId ?? "-", ex.Message);
        }
        catch (Exception ex)
        {
            Log.Unexpected(_logger, ex, _peer, _streamId ?? "-");
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task HandshakeAsync()
    {
        var c0c1 = ArrayPool<byte>.Shared.Rent(RtmpHandshake.RequestSize);
        var response = ArrayPool<byte>.Shared.Rent(RtmpHandshake.ResponseSize);
        try
        {
            await CheckVersionAsync().ConfigureAwait(false);
            await ReadExactlyAsync(c0c1.AsMemory(0, RtmpHandshake.RequestSize), "C0+C1").ConfigureAwait(false);
            var kind = RtmpHandshake.WriteResponse(c0c1.AsSpan(0, RtmpHandshake.RequestSize), response);
            await SendAsync(response.AsMemory(0, RtmpHandshake.ResponseSize)).ConfigureAwait(false);

            // C2 is read and not checked: many clients do not echo S1 faithfully.
            await ReadExactlyAsync(c0c1.AsMemory(0, RtmpHandshake.PacketSize), "C2").ConfigureAwait(false);
            Log.HandshakeDone(_logger, _peer, kind);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(c0c1);
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    /// <summary>Refuses a wrong C0 (HTTP, TLS, RTMPE, noise) as soon as its first byte arrives.</summary>
    private async Task CheckVersionAsync()
    {
        var input = _input!;
        var result = await input.ReadAsync(_readToken).ConfigureAwait(false);
        if (result.Buffer.IsEmpty)
        {
            throw new EndOfStreamException("closed before the handshake");
        }

        byte version = result.Buffer.FirstSpan[0];
        input.AdvanceTo(result.Buffer.Start);
        RtmpHandshake.CheckVersion(version);
    }

    private async Task ReadExactlyAsync(Memory<byte> destination, string what)
    {
        var input = _input!;
        while (true)
        {
            var result = await input.ReadAsync(_readToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= destination.Length)
            {
                buffer.Slice(0, destination.Length).CopyTo(destination.Span);
                input.AdvanceTo(buffer.GetPosition(destination.Length));
                _bytesReceived += destination.Length;
                return;
            }

            if (result.IsCompleted)
            {
                if (buffer.Length == 0 && what == "C0+C1")
                {
                    throw new EndOfStreamException("closed before the handshake");
                }

                throw new RtmpProtocolException($"connection closed during the handshake ({what} truncated at {buffer.Length} bytes)");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task ReadMessagesAsync()
    {
        var input = _input!;
        while (!_stopReading)
        {
            var result = await input.ReadAsync(_readToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            long available = buffer.Length;
            try
            {
                while (!_stopReading && _chunks.TryReadMessage(ref buffer, out var message))
                {
                    // Payload stays valid while this read buffer is not advanced.
                    var pending = HandleMessageAsync(message);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        await pending.ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            await CountReceivedAsync(available - buffer.Length).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    Log.ConnectionLost(_logger, _peer, _streamId ?? "-", $"closed in the middle of a chunk ({buffer.Length} bytes left)");
                }

                return;
            }
        }
    }

    private ValueTask HandleMessageAsync(RtmpMessage message)
    {
        switch (message.Type)
        {
            case RtmpMessageType.Audio:
                if (_ingest is not null && message.Length > 0)
                {
                    _ingest.OnAudio(message.Timestamp, message.Payload);
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.Video:
                if (_ingest is not null && message.Length > 0)
                {
                    _ingest.OnVideo(message.Timestamp, message.Payload);
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.Aggregate:
                HandleAggregate(message);
                return ValueTask.CompletedTask;

            case RtmpMessageType.DataAmf0:
                HandleData(message.Payload);
                return ValueTask.CompletedTask;

            case RtmpMessageType.DataAmf3:
                // AMF3 data messages carry AMF0 after a format byte of 0 in practice; anything else is ignored.
                if (IsAmf0InAmf3(message.Payload))
                {
                    HandleData(message.Payload.Slice(1));
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.CommandAmf0:
                return HandleCommandAsync(message, Amf0.DecodeAll(message.Payload));

            case RtmpMessageType.CommandAmf3:
                if (IsAmf0InAmf3(message.Payload) && TryDecodeAmf0(message.Payload.Slice(1), out var values))
                {
                    return HandleCommandAsync(message, values);
                }

                Log.Ignored(_logger, _peer, "AMF3 command");
                return ValueTask.CompletedTask;

            case RtmpMessageType.WindowAckSize:
                if (ReadUInt32(message.Payload) is > 0 and var window)
                {
                    _ackWindow = window;
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.UserControl:
                return HandleUserControlAsync(message);

            default:
                // SetChunkSize and Abort are applied by the chunk reader; acks, bandwidth and shared objects need nothing.
                return ValueTask.CompletedTask;
        }
    }

    private void HandleAggregate(in RtmpMessage aggregate)
    {
        var reader = new AggregateMessageReader(aggregate);
        while (reader.TryReadNext(out var sub))
        {
            switch (sub.Type)
            {
                case RtmpMessageType.Audio when _ingest is not null && sub.Length > 0:
                    _ingest.OnAudio(sub.Timestamp, sub.Payload);
                    break;
                case RtmpMessageType.Video when _ingest is not null && sub.Length > 0:
                    _ingest.OnVideo(sub.Timestamp, sub.Payload);
                    break;
                case RtmpMessageType.DataAmf0:
                    HandleData(sub.Payload);
                    break;
            }
        }
    }

    private void HandleData(in ReadOnlySequence<byte> payload)
    {
        // A broken data message (metadata of a buggy encoder) is not worth ending a publish for.
        if (_ingest is null || !TryDecodeAmf0(payload, out var values))
        {
            return;
        }

        // @setDataFrame("onMetaData", {...}) from encoders, or onMetaData({...}) directly.
        int index = values.Count > 0 && values[0] is "@setDataFrame" ? 1 : 0;
        if (values.Count < index + 2 || values[index] is not "onMetaData")
        {
            return;
        }

        if (values[index + 1] is IEnumerable<KeyValuePair<string, object?>> properties)
        {
            _ingest.OnMetadata(new StreamMetadata([.. properties]));
        }
    }

    private ValueTask HandleUserControlAsync(in RtmpMessage message)
    {
        if (message.Length < 6 || IsPlaying)
        {
            return ValueTask.CompletedTask;
        }

        Span<byte> bytes = stackalloc byte[6];
        message.Payload.Slice(0, 6).CopyTo(bytes);
        if ((UserControlEvent)BinaryPrimitives.ReadUInt16BigEndian(bytes) != UserControlEvent.PingRequest)
        {
            return ValueTask.CompletedTask;
        }

        RtmpControlMessages.WriteUserControl(_output, UserControlEvent.PingResponse, BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]), _outChunkSize);
        return FlushAsync();
    }

    private async ValueTask HandleCommandAsync(RtmpMessage message, List<object?> values)
    {
        if (values.Count == 0 || values[0] is not string name)
        {
            throw new RtmpProtocolException("command message without a name");
        }

        double transaction = values.Count > 1 && values[1] is double t ? t : 0;
        int streamId = message.StreamId == 0 ? MessageStreamId : message.StreamId;
        switch (name)
        {
            case "connect":
                await ConnectAsync(transaction, values.Count > 2 ? values[2] as Amf0Object : null).ConfigureAwait(false);
                break;

            case "createStream":
                await ResultAsync(transaction, null, (double)MessageStreamId).ConfigureAwait(false);
                break;

            case "releaseStream":
            case "FCPublish":
                await ResultAsync(transaction, null, null).ConfigureAwait(false);
                break;

            case "getStreamLength":
                await ResultAsync(transaction, null, 0.0).ConfigureAwait(false);
                break;

            case "publish":
                await PublishAsync(streamId, StringArgument(values, 3)).ConfigureAwait(false);
                break;

            case "play":
                await PlayAsync(streamId, StringArgument(values, 3)).ConfigureAwait(false);
                break;

            case "FCUnpublish":
            case "deleteStream":
            case "closeStream":
                await EndStreamAsync(name).ConfigureAwait(false);
                break;

            default:
                // pause, seek, receiveAudio/Video, FCSubscribe, _checkbw, replies from the client, ...
                Log.Ignored(_logger, _peer, name);
                break;
        }
    }

    private static string? StringArgument(List<object?> values, int index) => values.Count > index ? values[index] as string : null;

    private async ValueTask ConnectAsync(double transaction, Amf0Object? command)
    {
        _app = command?["app"] as string;
        _tcUrl = command?["tcUrl"] as string;
        double objectEncoding = command?["objectEncoding"] is double encoding ? encoding : 0;

        RtmpControlMessages.WriteWindowAckSize(_output, (uint)_options.WindowAckSize, _outChunkSize);
        RtmpControlMessages.WriteSetPeerBandwidth(_output, (uint)_options.WindowAckSize, 2, _outChunkSize);
        AnnounceChunkSize();
        var properties = new Amf0Object
        {
            { "fmsVer", "FMS/3,0,1,123" },
            { "capabilities", 31.0 },
        };
        var information = new Amf0Object
        {
            { "level", "status" },
            { "code", "NetConnection.Connect.Success" },
            { "description", "Connection succeeded." },
            { "objectEncoding", objectEncoding },
        };
        RtmpCommandWriter.WriteCommand(_output, RtmpChunkWriter.CommandChunkStream, 0, _outChunkSize, "_result", transaction, properties, information);
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>SetChunkSize must reach the peer before any message (player media in particular) uses the larger size.</summary>
    private void AnnounceChunkSize()
    {
        if (_outChunkSize != _options.ChunkSize)
        {
            RtmpControlMessages.WriteSetChunkSize(_output, _options.ChunkSize, _outChunkSize);
            _outChunkSize = _options.ChunkSize;
        }
    }

    private ValueTask ResultAsync(double transaction, object? properties, object? information)
    {
        RtmpCommandWriter.WriteCommand(_output, RtmpChunkWriter.CommandChunkStream, 0, _outChunkSize, "_result", transaction, properties, information);
        return FlushAsync();
    }

    private async ValueTask PublishAsync(int streamId, string? name)
    {
        if (IsPublishing || IsPlaying)
        {
            throw new RtmpProtocolException("a second publish or play on one connection");
        }

        if (!RtmpStreamName.TryParse(_app, _tcUrl, name, out var stream))
        {
            await RefuseAsync(streamId, "NetStream.Publish.BadName", $"invalid stream name '{name}'").ConfigureAwait(false);
            return;
        }

        _streamId = stream.StreamId;
        EndSetupTimeout();
        IPublisher publisher;
        try
        {
            publisher = await _context.Hub.PublishAsync(
                new PublishRequest { StreamId = stream.StreamId, Protocol = "rtmp", RemoteEndPoint = _remoteEndPoint, Query = stream.Query },
                _aborted.Token).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            Log.PublishDenied(_logger, stream.StreamId, _peer, ex.Reason, ex.Message);
            string code = ex.Reason switch
            {
                DenyReason.AlreadyPublished => "NetStream.Publish.BadName",
                DenyReason.Forbidden => "NetStream.Publish.Unauthorized",
                _ => "NetStream.Publish.Rejected",
            };
            await RefuseAsync(streamId, code, ex.Message).ConfigureAwait(false);
            return;
        }

        _publisher = publisher;
        _ingest = new FlvIngest(publisher, _logger);
        _publisherClosed = publisher.Closed.Register(static state => ((RtmpConnection)state!).Abort("publisher closed by the server"), this);
        Log.PublishStarted(_logger, stream.StreamId, _peer);
        RtmpCommandWriter.WriteOnStatus(_output, streamId, _outChunkSize, "status", "NetStream.Publish.Start", $"{stream.StreamId} is now published.");
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Publish or play was asked for in time: from now on reads end only when the connection is aborted.
    /// The setup token (its timer and links) is released, since a player keeps its connection for hours.
    /// </summary>
    private void EndSetupTimeout()
    {
        _readToken = _aborted.Token;
        _session.Dispose();
    }

    private async ValueTask PlayAsync(int streamId, string? name)
    {
        if (IsPublishing || IsPlaying)
        {
            throw new RtmpProtocolException("a second publish or play on one connection");
        }

        if (!RtmpStreamName.TryParse(_app, _tcUrl, name, out var stream))
        {
            await RefuseAsync(streamId, "NetStream.Play.StreamNotFound", $"invalid stream name '{name}'").ConfigureAwait(false);
            return;
        }

        _streamId = stream.StreamId;
        EndSetupTimeout();
        var sink = new RtmpSink(_socket, _remoteEndPoint);
        try
        {
            // Segments the hub hands over now wait in the sink's queue until its writer loop starts below.
            _playHandle = await _context.Hub.PlayAsync(
                new PlayRequest { StreamId = stream.StreamId, Protocol = "rtmp", RemoteEndPoint = _remoteEndPoint, Query = stream.Query },
                sink,
                _aborted.Token).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            Log.PlayDenied(_logger, stream.StreamId, _peer, ex.Reason, ex.Message);
            string code = ex.Reason == DenyReason.BadRequest ? "NetStream.Play.StreamNotFound" : "NetStream.Play.Failed";
            await RefuseAsync(streamId, code, ex.Message).ConfigureAwait(false);
            return;
        }

        // Per-player control messages go straight to the socket before the sink's writer loop exists.
        _sink = sink;
        AnnounceChunkSize();
        RtmpControlMessages.WriteUserControl(_output, UserControlEvent.StreamBegin, (uint)streamId, _outChunkSize);
        RtmpCommandWriter.WriteOnStatus(_output, streamId, _outChunkSize, "status", "NetStream.Play.Reset", $"Playing and resetting {stream.StreamId}.");
        RtmpCommandWriter.WriteOnStatus(_output, streamId, _outChunkSize, "status", "NetStream.Play.Start", $"Started playing {stream.StreamId}.");
        RtmpCommandWriter.WriteData(_output, RtmpChunkWriter.DataChunkStream, streamId, _outChunkSize, "|RtmpSampleAccess", false, false);
        await FlushAsync().ConfigureAwait(false);

        _sinkRun = sink.RunAsync();
        Log.PlayStarted(_logger, stream.StreamId, _peer);
    }

    /// <summary>Refuses a publish or play with an error onStatus and ends the connection.</summary>
    private async ValueTask RefuseAsync(int streamId, string code, string description)
    {
        RtmpCommandWriter.WriteOnStatus(_output, streamId, _outChunkSize, "error", code, description);
        await FlushAsync().ConfigureAwait(false);
        _stopReading = true;
    }

    private async ValueTask EndStreamAsync(string command)
    {
        if (_publisher is not null)
        {
            await EndPublishAsync(command).ConfigureAwait(false);
        }
        else if (_sink is not null)
        {
            _sink.Close(command);
            _stopReading = true;
        }
    }

    private async ValueTask EndPublishAsync(string reason)
    {
        var publisher = _publisher;
        if (publisher is null)
        {
            return;
        }

        _publisher = null;
        _ingest = null;
        _publisherClosed.Dispose();
        try
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Log.PublishStopped(_logger, publisher.StreamId, _peer, reason, _bytesReceived);
        }
    }

    private void Abort(string reason)
    {
        _closeReason ??= reason;
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async ValueTask CountReceivedAsync(long count)
    {
        if (count <= 0)
        {
            return;
        }

        _bytesReceived += count;
        _publisher?.AddBytesReceived(count);

        // Acknowledge every half window. A player's socket belongs to its sink's writer loop, so players are not acknowledged.
        if (_bytesReceived - _bytesAcknowledged >= _ackWindow / 2)
        {
            _bytesAcknowledged = _bytesReceived;
            if (!IsPlaying && !_stopReading)
            {
                RtmpControlMessages.WriteAcknowledgement(_output, unchecked((uint)_bytesReceived), _outChunkSize);
                await FlushAsync().ConfigureAwait(false);
            }
        }
    }

    private ValueTask FlushAsync()
    {
        if (_output.WrittenCount == 0)
        {
            return ValueTask.CompletedTask;
        }

        if (_sinkRun is not null)
        {
            // The socket belongs to the sink's writer loop now: a reply here could split its chunks.
            Log.Ignored(_logger, _peer, $"{_output.WrittenCount} bytes of replies while playing");
            _output.Clear();
            return ValueTask.CompletedTask;
        }

        return FlushCoreAsync();

        async ValueTask FlushCoreAsync()
        {
            await SendAsync(_output.WrittenMemory).ConfigureAwait(false);
            _output.Clear();
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, _aborted.Token).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private async Task CloseAsync()
    {
        if (_playHandle is not null)
        {
            await DisposeQuietlyAsync(_playHandle).ConfigureAwait(false);
        }

        if (_sink is not null)
        {
            _sink.Close(_closeReason ?? "player left");

            // A sink that never started its loop still has to release what the hub queued and complete.
            _sinkRun ??= _sink.RunAsync();
            await _sinkRun.ConfigureAwait(false);
            Log.PlayStopped(_logger, _streamId ?? "-", _peer, _sink.CloseReason ?? "-", _sink.BytesSent);
        }

        if (_publisher is not null)
        {
            try
            {
                await EndPublishAsync(_closeReason ?? "connection closed").ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.Unexpected(_logger, ex, _peer, _streamId ?? "-");
            }
        }

        if (_input is not null)
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }

        _chunks.Dispose();
        _output.Dispose();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _session.Dispose();
        _aborted.Dispose();
    }

    private async Task DisposeQuietlyAsync(IAsyncDisposable disposable)
    {
        try
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.Unexpected(_logger, ex, _peer, _streamId ?? "-");
        }
    }

    private static bool IsAmf0InAmf3(in ReadOnlySequence<byte> payload) => payload.Length > 1 && payload.FirstSpan[0] == 0;

    private bool TryDecodeAmf0(in ReadOnlySequence<byte> payload, out List<object?> values)
    {
        try
        {
            values = Amf0.DecodeAll(payload);
            return true;
        }
        catch (Amf0FormatException ex)
        {
            Log.Ignored(_logger, _peer, "malformed AMF: " + ex.Message);
            values = [];
            return false;
        }
    }

    private static uint ReadUInt32(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length < 4)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[4];
        payload.Slice(0, 4).CopyTo(bytes);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP {Peer} ({StreamId}): protocol error, closing: {Reason}")]
        public static partial void ProtocolError(ILogger logger, string peer, string streamId, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP {StreamId} from {Peer} closed by the server: {Reason}")]
        public static partial void ClosedByServer(ILogger logger, string streamId, string peer, string reason);

        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer} ({StreamId}): connection ended: {Reason}")]
        public static partial void ConnectionLost(ILogger logger, string peer, string streamId, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "RTMP {Peer} ({StreamId}): unexpected failure, closing")]
        public static partial void Unexpected(ILogger logger, Exception exception, string peer, string streamId);

        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer}: {Kind} handshake done")]
        public static partial void HandshakeDone(ILogger logger, string peer, HandshakeKind kind);

        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer}: ignored {What}")]
        public static partial void Ignored(ILogger logger, string peer, string what);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish {StreamId} from {Peer} started")]
        public static partial void PublishStarted(ILogger logger, string streamId, string peer);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish {StreamId} from {Peer} ended ({Reason}), {Bytes} bytes received")]
        public static partial void PublishStopped(ILogger logger, string streamId, string peer, string reason, long bytes);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish {StreamId} from {Peer} denied ({DenyReason}): {Message}")]
        public static partial void PublishDenied(ILogger logger, string streamId, string peer, DenyReason denyReason, string message);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} started")]
        public static partial void PlayStarted(ILogger logger, string streamId, string peer);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} ended ({Reason}), {Bytes} bytes sent")]
        public static partial void PlayStopped(ILogger logger, string streamId, string peer, string reason, long bytes);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} denied ({DenyReason}): {Message}")]
        public static partial void PlayDenied(ILogger logger, string streamId, string peer, DenyReason denyReason, string message);
    }
}
