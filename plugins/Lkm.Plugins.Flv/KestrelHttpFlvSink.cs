using System.Runtime.CompilerServices;
using System.Buffers;
using System.Net;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Lkm.Plugins.Flv;

/// <summary>
/// An HTTP-FLV player written through Kestrel's response pipe (TLS, HTTP/2, or <c>direct_send: false</c>;
/// <see cref="HttpFlvSink"/> is the usual, copy-free path): the response body is the FLV stream. Each wake-up of the writer loop copies
/// the queued segments into Kestrel's output pipe and flushes once (one send for the whole batch).
/// "200 OK" and the headers go out with the first segment (<see cref="StartAsync"/>), so a player
/// whose stream never starts can still be answered 404.
/// </summary>
internal sealed class KestrelHttpFlvSink : SinkBase
{
    public const string ProtocolName = "flv";

    private readonly HttpContext _http;
    private volatile bool _streaming;
    private int _writing;

    public KestrelHttpFlvSink(HttpContext http, EndPoint? remoteEndPoint)
        : base(ProtocolName, FlvTransStreamFactory.ProtocolName, remoteEndPoint)
    {
        _http = http;
    }

    /// <summary>The status and headers of the FLV stream (not sent yet: they go with the first flush).</summary>
    public void SetStreamHeaders()
    {
        FlvResponseHeaders.Apply(_http.Response);

        // No Content-Length: Kestrel streams chunked on HTTP/1.1 and until close on HTTP/1.0.
        _http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>
    /// The stream started: the response is the FLV stream from now on, and closing the sink may abort
    /// the connection. Before that (a refusal) the handler still writes the response itself.
    /// </summary>
    protected override ValueTask StartAsync(CancellationToken cancellationToken)
    {
        SetStreamHeaders();
        _streaming = true;
        return ValueTask.CompletedTask;
    }

    // Pooled builder: a player's writer loop awaits this a few times a second for hours; no box per write.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            var body = _http.Response.BodyWriter;
            for (int i = 0; i < segments.Count; i++)
            {
                body.Write(segments[i].Memory.Span);
            }

            var result = await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                Close("client closed");
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>
    /// A write in flight means the client is not keeping up (or gone): abort the connection so it
    /// ends now (Kestrel also aborts when the flush is cancelled by the closing token; this does not
    /// rely on it). An idle response is left to end normally (final chunk / FIN) when the handler
    /// returns, so a player sees a clean end of stream with every byte sent.
    /// </summary>
    protected override void OnClosed(string reason)
    {
        if (_streaming && Volatile.Read(ref _writing) != 0)
        {
            _http.Abort();
        }
    }
}
