using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Http;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Lkm.Plugins.Flv;

/// <summary>
/// A WS-FLV player written straight to its socket (<see cref="DirectHttpConnection"/>): the upgrade ("101") goes
/// out when the stream starts, then each wake-up of the writer loop is one binary frame — a per-player frame header
/// and the shared segments in one gather write, no copy per player. What the player sends is read from Kestrel's
/// connection pipe by <see cref="WebSocketClientFrameReader"/>: pings are answered through the writer loop (never
/// during a write), a close frame or the connection's end closes the sink, a protocol error closes it with 1002.
/// </summary>
internal sealed class WsFlvSink : DirectHttpSink
{
    public const string ProtocolName = KestrelWsFlvSink.ProtocolName;

    private const ushort NormalClosure = 1000;
    private const ushort GoingAway = 1001;
    private const ushort ProtocolError = 1002;

    private readonly HttpContext _http;

    // One per player, rewritten before each send.
    private readonly byte[] _frameHeader = new byte[WebSocketFrameHeader.MaxLength];
    private byte[]? _pendingPong;
    private volatile bool _inputEnded;
    private string? _protocolError;

    public WsFlvSink(HttpContext http, DirectHttpConnection connection, EndPoint? remoteEndPoint)
        : base(ProtocolName, FlvTransStreamFactory.ProtocolName, connection, remoteEndPoint)
    {
        _http = http;
    }

    /// <summary>Reads what the player sends until its close frame or the connection's end; completed before the upgrade.</summary>
    public Task Receiving { get; private set; } = Task.CompletedTask;

    protected override async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        var headers = _http.Response.Headers;
        headers.Upgrade = "websocket";
        headers.Connection = "Upgrade";
        headers.SecWebSocketAccept = WebSocketHandshake.AcceptKey(_http.Request.Headers.SecWebSocketKey.ToString());
        var head = DirectHttpConnection.BuildHead(StatusCodes.Status101SwitchingProtocols, headers);
        await SendAsync(new ArraySegment<byte>(head), [], default).ConfigureAwait(false);
        Receiving = ReceiveUntilClosedAsync();
    }

    // Not async in the usual case (no pong waiting): the sender's ValueTask is returned as it is, so a send that has
    // to wait parks one pooled frame.
    protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken) =>
        Volatile.Read(ref _pendingPong) is null ? WriteFrameAsync(segments) : WritePongThenFrameAsync(segments);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WritePongThenFrameAsync(IReadOnlyList<Segment> segments)
    {
        if (Interlocked.Exchange(ref _pendingPong, null) is { } pong)
        {
            await SendAsync(new ArraySegment<byte>(pong), [], default).ConfigureAwait(false);
        }

        await WriteFrameAsync(segments).ConfigureAwait(false);
    }

    /// <summary>The batch as one binary frame: a per-player header, then the shared segments.</summary>
    private ValueTask WriteFrameAsync(IReadOnlyList<Segment> segments)
    {
        long total = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            total += segments[i].Length; // not foreach: an interface enumerator is an allocation per write
        }

        if (total == 0)
        {
            return ValueTask.CompletedTask;
        }

        int headerLength = WebSocketFrameHeader.Write(_frameHeader, WebSocketOpcode.Binary, total);
        return SendAsync(new ArraySegment<byte>(_frameHeader, 0, headerLength), segments, default);
    }

    /// <summary>
    /// After the writer loop: a player still connected gets a close frame (1000, 1001 on shutdown, 1002 after a
    /// protocol error) and the closing handshake; one that fell behind, failed or vanished is dropped at once.
    /// </summary>
    public async Task FinishAsync(TimeSpan closeTimeout, bool serverShuttingDown)
    {
        bool canClose = HasStarted && !TransportAborted && !_inputEnded && Fault is null && CloseCause != SinkCloseCause.TooSlow;
        if (!canClose)
        {
            Connection.Abort();
            return;
        }

        ushort status = _protocolError is not null ? ProtocolError : serverShuttingDown ? GoingAway : NormalClosure;
        var frame = WebSocketFrameHeader.CloseFrame(status, _protocolError ?? CloseReason ?? string.Empty);
        if (!await SendLastAsync(frame, closeTimeout).ConfigureAwait(false))
        {
            Connection.Abort();
            return;
        }

        // The player answers with its close frame (unless it sent one first); then the server closes TCP (RFC 6455 7.1.1).
        // After the player's close frame or a protocol error the receive loop is returning (it closed the sink just
        // before): wait for it too, so EndAsync reads the input once the loop has let go of it, instead of resetting.
        bool answered = await Task.WhenAny(Receiving, Task.Delay(closeTimeout)).ConfigureAwait(false) == Receiving;
        await Connection.EndAsync(closeTimeout, readInput: answered).ConfigureAwait(false);
    }

    private async Task ReceiveUntilClosedAsync()
    {
        var input = Connection.Input;
        var frames = new WebSocketClientFrameReader();
        try
        {
            while (true)
            {
                // Not ended by the sink's closing: after it, the player's answer to our close frame is read here too.
                // Dropping the connection (Abort) completes the input and so ends this loop.
                var result = await input.ReadAsync().ConfigureAwait(false);
                var reader = new SequenceReader<byte>(result.Buffer);
                bool closed = false;
                try
                {
                    while (!closed && frames.TryRead(ref reader, out var frame))
                    {
                        closed = OnControlFrame(frame);
                    }
                }
                finally
                {
                    // Also after a protocol error: a read left open makes FinishAsync's EndAsync fail at once
                    // (InvalidOperationException) and reset the connection instead of waiting for the player.
                    input.AdvanceTo(reader.Position, result.Buffer.End);
                }

                if (closed)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    _inputEnded = true;
                    Close("client closed");
                    return;
                }
            }
        }
        catch (WebSocketException ex)
        {
            _protocolError = ex.Message;
            Close(ex.Message);
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex) || ex is InvalidOperationException)
        {
            _inputEnded = true;
            Close("client closed");
        }
    }

    /// <returns>True for the player's close frame: nothing more is read.</returns>
    private bool OnControlFrame(WebSocketControlFrame frame)
    {
        switch (frame.Opcode)
        {
            case WebSocketOpcode.Ping:
                var pong = new byte[2 + frame.Payload.Length];
                WebSocketFrameHeader.Write(pong, WebSocketOpcode.Pong, frame.Payload.Length);
                frame.Payload.CopyTo(pong.AsSpan(2));
                Volatile.Write(ref _pendingPong, pong); // a newer ping replaces an unanswered one (RFC 6455 5.5.3)
                Wake();
                return false;
            case WebSocketOpcode.Close:
                Close("client closed");
                return true;
            default:
                return false;
        }
    }
}
