using System.Runtime.CompilerServices;
using System.Net;
using System.Net.WebSockets;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Flv;

/// <summary>
/// A WS-FLV player: the same bytes as HTTP-FLV, one binary WebSocket message per segment (the FLV
/// header segment is its own message). The socket is attached after the upgrade, which happens only
/// once the hub accepted the player; the writer loop starts after that.
/// Closing needs no abort here: a send blocked on a stalled client ends through the cancelled
/// <see cref="SinkBase.Closing"/> token (a WebSocket aborts itself when a pending send is cancelled),
/// and an idle socket stays open so the handler can send a close frame once the writer loop stopped.
/// </summary>
internal sealed class WsFlvSink : SinkBase
{
    public const string ProtocolName = "ws-flv";

    private WebSocket? _socket;

    public WsFlvSink(EndPoint? remoteEndPoint)
        : base(ProtocolName, FlvTransStreamFactory.ProtocolName, remoteEndPoint)
    {
    }

    /// <summary>Gives the sink its upgraded socket. Must be called before <see cref="SinkBase.RunAsync"/>.</summary>
    public void Attach(WebSocket socket) => Volatile.Write(ref _socket, socket);

    // Pooled builder: a player's writer loop awaits this a few times a second for hours; no box per write.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
    {
        var socket = Volatile.Read(ref _socket) ?? throw new InvalidOperationException("WebSocket not attached.");
        foreach (var segment in segments)
        {
            await socket.SendAsync(segment.Memory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
    }
}
