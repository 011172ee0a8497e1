using System.Net;
using System.Net.WebSockets;
using Lkm.Sdk.Http;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Flv;

/// <summary>
/// Serves <c>http://host/&lt;id&gt;.flv</c> (HTTP-FLV) and <c>ws://host/&lt;id&gt;.flv</c> (WS-FLV):
/// validates the request, asks the hub to attach a player, and answers 200 / upgrades only once the
/// stream starts (its first segment), so a refusal — a hook's, or a stream that did not start within
/// <c>wait_timeout</c> (404) — is a plain HTTP status the player can report.
/// </summary>
internal sealed partial class FlvPlayHandler
{
    private const string AllowedMethods = "GET, HEAD, OPTIONS";
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly IPluginContext _context;
    private readonly FlvPluginOptions _options;
    private readonly ILogger _logger;
    private volatile bool _stopped;

    public FlvPlayHandler(IPluginContext context, FlvPluginOptions options, ILogger logger)
    {
        _context = context;
        _options = options;
        _logger = logger;
    }

    /// <summary>New requests are answered 503; players already attached go on.</summary>
    public void Stop() => _stopped = true;

    public async Task HandleAsync(HttpContext http, string path)
    {
        var peer = RemoteEndPointOf(http);
        var request = http.Request;
        var response = http.Response;
        if (_options.Cors)
        {
            response.Headers.AccessControlAllowOrigin = _options.AllowOrigin;
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            AnswerPreflight(http);
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            Log.BadRequest(_logger, path, Peer(peer), "method " + request.Method);
            response.Headers.Allow = AllowedMethods;
            await RefuseAsync(http, StatusCodes.Status405MethodNotAllowed, "method not allowed").ConfigureAwait(false);
            return;
        }

        if (!FlvStreamPath.TryGetStreamId(path, out string streamId, out string error))
        {
            Log.BadRequest(_logger, path, Peer(peer), error);
            await RefuseAsync(http, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (_stopped)
        {
            await RefuseAsync(http, StatusCodes.Status503ServiceUnavailable, "flv plugin stopping").ConfigureAwait(false);
            return;
        }

        if (http.WebSockets.IsWebSocketRequest)
        {
            await PlayWebSocketAsync(http, streamId, peer).ConfigureAwait(false);
        }
        else
        {
            await PlayHttpAsync(http, streamId, peer).ConfigureAwait(false);
        }
    }

    private async Task PlayHttpAsync(HttpContext http, string streamId, EndPoint? peer)
    {
        // HEAD answers headers only, through Kestrel; a GET is written straight to the socket where it can be.
        var direct = _options.DirectSend && HttpMethods.IsGet(http.Request.Method) ? DirectHttpConnection.TryCreate(http) : null;
        using (direct)
        {
            await PlayAsync(http, streamId, direct is null ? new KestrelHttpFlvSink(http, peer) : new HttpFlvSink(http, direct, peer)).ConfigureAwait(false);
        }
    }

    private async Task PlayWebSocketAsync(HttpContext http, string streamId, EndPoint? peer)
    {
        var direct = _options.DirectSend ? DirectHttpConnection.TryCreate(http) : null;
        using (direct)
        {
            await PlayAsync(http, streamId, direct is null ? new KestrelWsFlvSink(http, peer) : new WsFlvSink(http, direct, peer)).ConfigureAwait(false);
        }
    }

    private async Task PlayAsync(HttpContext http, string streamId, SinkBase sink)
    {
        var handle = await AttachAsync(http, streamId, sink).ConfigureAwait(false);
        if (handle is null)
        {
            return;
        }

        Log.PlayStarted(_logger, streamId, sink.Protocol, Peer(sink.RemoteEndPoint), sink.Id);
        bool refused = false;
        try
        {
            // Until the stream starts the request is plain HTTP: its abort is the player leaving while it waits.
            using var aborted = http.RequestAborted.Register(static s => ((SinkBase)s!).Close("client closed"), sink);
            using var shutdown = _context.ShuttingDown.Register(static s => ((SinkBase)s!).Close("server shutting down"), sink);
            if (sink is KestrelHttpFlvSink { } head && HttpMethods.IsHead(http.Request.Method))
            {
                // HEAD does not wait for the stream: the headers a GET gets once it starts.
                head.SetStreamHeaders();
                sink.Close("HEAD request");
                await sink.RunAsync().ConfigureAwait(false); // only releases what the hub queued meanwhile
                return;
            }

            // "200 OK" or the upgrade goes out with the first segment (the sink's StartAsync): until the stream
            // starts nothing is sent, so a stream that never starts is refused with a plain status instead.
            await sink.RunAsync().ConfigureAwait(false);
            if (!sink.HasStarted)
            {
                refused = await RefuseUnstartedAsync(http, streamId, sink).ConfigureAwait(false);
            }
            else
            {
                await EndStartedAsync(sink).ConfigureAwait(false);
            }
        }
        finally
        {
            await StopPlayAsync(sink, handle, streamId, refused).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a play that started, once its writer loop stopped.</summary>
    private Task EndStartedAsync(SinkBase sink) => sink switch
    {
        // Written around Kestrel: ended here (last chunk or close frame, then the close) and never handed back.
        HttpFlvSink direct => direct.FinishAsync(CloseHandshakeTimeout),
        WsFlvSink direct => direct.FinishAsync(CloseHandshakeTimeout, _context.ShuttingDown.IsCancellationRequested),
        KestrelWsFlvSink { Socket: { } socket } ws => CloseWebSocketAsync(socket, ws.CloseReason, ws.Receiving),
        _ => Task.CompletedTask, // Kestrel ends its HTTP-FLV response when the handler returns
    };

    /// <summary>
    /// The sink closed before its stream started, so nothing was sent yet: the player gets a plain HTTP refusal
    /// (404 when the stream did not start within wait_timeout, 503 when the server ended the wait otherwise).
    /// </summary>
    /// <returns>True when refused (and logged); false when the player had already left.</returns>
    private async Task<bool> RefuseUnstartedAsync(HttpContext http, string streamId, SinkBase sink)
    {
        if (http.RequestAborted.IsCancellationRequested)
        {
            return false; // the player left while it waited
        }

        string reason = sink.CloseReason ?? "closed";
        int status = sink.CloseCause == SinkCloseCause.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable;
        Log.PlayRefused(_logger, streamId, sink.Protocol, Peer(sink.RemoteEndPoint), status, reason);
        await RefuseAsync(http, status, $"stream {streamId}: {reason}").ConfigureAwait(false);
        return true;
    }

    /// <summary>Asks the hub for the player; on refusal answers the HTTP status and returns null.</summary>
    private async Task<IAsyncDisposable?> AttachAsync(HttpContext http, string streamId, SinkBase sink)
    {
        var play = new PlayRequest
        {
            StreamId = streamId,
            Protocol = sink.Protocol,
            RemoteEndPoint = sink.RemoteEndPoint,
            Query = QueryOf(http.Request),
        };
        try
        {
            return await _context.Hub.PlayAsync(play, sink, http.RequestAborted).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            sink.Close("denied: " + ex.Message);
            Log.PlayDenied(_logger, streamId, sink.Protocol, Peer(sink.RemoteEndPoint), ex.Reason, ex.Message);
            await RefuseAsync(http, StatusOf(ex.Reason), ex.Message).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            sink.Close("client closed");
            return null;
        }
    }

    /// <param name="refused">The refusal was logged already: one line per refused play.</param>
    private async Task StopPlayAsync(SinkBase sink, IAsyncDisposable handle, string streamId, bool refused)
    {
        sink.Close("finished");
        try
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!refused)
            {
                Log.PlayStopped(_logger, streamId, sink.Protocol, Peer(sink.RemoteEndPoint), sink.Id, sink.BytesSent, sink.CloseReason ?? "finished");
            }
        }
    }

    /// <summary>Ends the WebSocket with a close handshake (the writer loop has stopped, so no send is in flight); aborts when the peer does not answer.</summary>
    private static async Task CloseWebSocketAsync(WebSocket socket, string? reason, Task receiving)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
                string description = reason is null ? string.Empty : reason[..Math.Min(reason.Length, 40)];
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, description, timeout.Token).ConfigureAwait(false);
            }

            await receiving.WaitAsync(CloseHandshakeTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
        }
        finally
        {
            socket.Abort();
            socket.Dispose();
        }
    }

    private void AnswerPreflight(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.Allow = AllowedMethods;
        if (_options.Cors)
        {
            response.Headers.AccessControlAllowMethods = AllowedMethods;
            var requested = http.Request.Headers.AccessControlRequestHeaders;
            response.Headers.AccessControlAllowHeaders = requested.Count > 0 ? requested : "*";
            response.Headers.AccessControlMaxAge = "86400";
        }
    }

    private static async Task RefuseAsync(HttpContext http, int status, string reason)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await response.WriteAsync(reason, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    internal static int StatusOf(DenyReason reason) => reason switch
    {
        DenyReason.Forbidden => StatusCodes.Status403Forbidden,
        DenyReason.BadRequest => StatusCodes.Status400BadRequest,
        DenyReason.Unavailable => StatusCodes.Status503ServiceUnavailable,
        DenyReason.AlreadyPublished => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status403Forbidden,
    };

    private static Dictionary<string, string> QueryOf(HttpRequest request)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            query[key] = value.ToString();
        }

        return query;
    }

    private static IPEndPoint? RemoteEndPointOf(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, http.Connection.RemotePort) : null;

    private static string Peer(EndPoint? endPoint) => endPoint?.ToString() ?? "-";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "FLV play started: stream {StreamId}, {Protocol} player {Peer} ({SinkId})")]
        public static partial void PlayStarted(ILogger logger, string streamId, string protocol, string peer, string sinkId);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "FLV play stopped: stream {StreamId}, {Protocol} player {Peer} ({SinkId}), {BytesSent} bytes sent, {Reason}")]
        public static partial void PlayStopped(ILogger logger, string streamId, string protocol, string peer, string sinkId, long bytesSent, string reason);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "FLV play denied: stream {StreamId}, {Protocol} player {Peer}: {Reason} ({Message})")]
        public static partial void PlayDenied(ILogger logger, string streamId, string protocol, string peer, DenyReason reason, string message);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Bad FLV request for {Path} from {Peer}: {Error}")]
        public static partial void BadRequest(ILogger logger, string path, string peer, string error);

        [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "FLV play refused: stream {StreamId}, {Protocol} player {Peer}: {Status} ({Reason})")]
        public static partial void PlayRefused(ILogger logger, string streamId, string protocol, string peer, int status, string reason);
    }
}
