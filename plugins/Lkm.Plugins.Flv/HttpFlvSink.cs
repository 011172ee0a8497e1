using System.Buffers.Text;
using System.Net;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Http;
using Lkm.Sdk.Streaming;
using Microsoft.AspNetCore.Http;

namespace Lkm.Plugins.Flv;

/// <summary>
/// An HTTP-FLV player written straight to its socket (<see cref="DirectHttpConnection"/>): each wake-up of the
/// writer loop is one gather write of the shared segments, framed as one HTTP/1.1 chunk (a per-player chunk
/// header in front, a shared CRLF behind; HTTP/1.0 gets the bytes as they are, ended by the close). No copy per
/// player. "200 OK" goes out when the stream starts (<see cref="StartAsync"/>), so a player whose stream never
/// starts can still be answered 404 through Kestrel.
/// </summary>
internal sealed class HttpFlvSink : DirectHttpSink
{
    public const string ProtocolName = KestrelHttpFlvSink.ProtocolName;

    private static readonly byte[] ChunkEnd = "\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    private readonly HttpContext _http;
    private readonly bool _chunked;

    // Hex length + CRLF; written before each send, read by the send: one per player, never shared.
    private readonly byte[] _chunkHeader = new byte[18];

    public HttpFlvSink(HttpContext http, DirectHttpConnection connection, EndPoint? remoteEndPoint)
        : base(ProtocolName, FlvTransStreamFactory.ProtocolName, connection, remoteEndPoint)
    {
        _http = http;
        _chunked = !connection.IsHttp10;
    }

    protected override ValueTask StartAsync(CancellationToken cancellationToken)
    {
        var headers = _http.Response.Headers;
        FlvResponseHeaders.Apply(_http.Response);
        if (_chunked)
        {
            headers.TransferEncoding = "chunked";
        }

        // The connection ends with the stream: the handler drops it from Kestrel afterwards (no keep-alive).
        headers.Connection = "close";
        var head = DirectHttpConnection.BuildHead(StatusCodes.Status200OK, headers);
        return SendAsync(new ArraySegment<byte>(head), [], default);
    }

    // Not async: the sender's ValueTask is returned as it is, so a send that has to wait parks one pooled frame.
    protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
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

        if (!_chunked)
        {
            return SendAsync(default, segments, default);
        }

        Utf8Formatter.TryFormat(total, _chunkHeader, out int digits, new System.Buffers.StandardFormat('X'));
        _chunkHeader[digits] = (byte)'\r';
        _chunkHeader[digits + 1] = (byte)'\n';
        return SendAsync(new ArraySegment<byte>(_chunkHeader, 0, digits + 2), segments, ChunkEnd);
    }

    /// <summary>
    /// After the writer loop: a stream that ended while the player kept up gets the last chunk and a graceful close;
    /// a player that fell behind, failed or left is dropped at once.
    /// </summary>
    public async Task FinishAsync(TimeSpan lingerTimeout)
    {
        bool clean = HasStarted && !TransportAborted && Fault is null && CloseCause != SinkCloseCause.TooSlow
            && !_http.RequestAborted.IsCancellationRequested;
        if (!clean || (_chunked && !await SendLastAsync(LastChunk, lingerTimeout).ConfigureAwait(false)))
        {
            Connection.Abort();
            return;
        }

        await Connection.EndAsync(lingerTimeout).ConfigureAwait(false);
    }
}
