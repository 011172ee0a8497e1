using System.Runtime.CompilerServices;
using System.Net;
using System.Net.WebSockets;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;

namespace Lkm.Plugins.Flv;

/// <summary>
/// A WS-FLV player written through Kestrel's WebSocket (TLS, HTTP/2, or <c>direct_send: false</c>; <see cref="WsFlvSink"/>
/// is the usual, copy-free path): the same bytes as HTTP-FLV, one binary WebSocket message per segment (the FLV
/// header segment is its own message). The upgrade is the WebSocket's "200 OK": it happens in
/// <see cref="StartAsync"/>, once the stream has started, so a player whose stream never starts is
/// refused with a plain HTTP status instead of an open socket that never carries a byte.
/// Closing needs no abort here: a send blocked on a stalled client ends through the cancelled
/// <see cref="SinkBase.Closing"/> token (a WebSocket aborts itself when a pending send is cancelled),
/// and an idle socket stays open so the handler can send a close frame once the writer loop stopped.
/// </summary>
internal sealed class KestrelWsFlvSink : SinkBase
{
    public const string ProtocolName = "ws-flv";

    private readonly HttpContext _http;
    private WebSocket? _socket;

    public KestrelWsFlvSink(HttpContext http, EndPoint? remoteEndPoint)
        : base(ProtocolName, FlvTransStreamFactory.ProtocolName, remoteEndPoint)
    {
        _http = http;
    }

    /// <summary>The upgraded socket; null until the stream started (or when the upgrade failed).</summary>
    public WebSocket? Socket => Volatile.Read(ref _socket);

    /// <summary>Reads what the player sends until it closes; completed when there is no socket.</summary>
    public Task Receiving { get; private set; } = Task.CompletedTask;

    protected override async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        var socket = await _http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        Volatile.Write(ref _socket, socket);
        Receiving = ReceiveUntilClosedAsync(socket);
    }

    // Pooled builder: a player's writer loop awaits this a few times a second for hours; no box per write.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
    {
        var socket = Volatile.Read(ref _socket) ?? throw new InvalidOperationException("WebSocket not attached.");
        for (int i = 0; i < segments.Count; i++)
        {
            await socket.SendAsync(segments[i].Memory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads (and discards) what the player sends, to notice its close frame or a dead connection.</summary>
    private async Task ReceiveUntilClosedAsync(WebSocket socket)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Close("client closed");
        }
    }
}
