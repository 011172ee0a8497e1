using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Lkm.Sdk.Networking;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Lkm.Sdk.Http;

/// <summary>
/// An HTTP/1.x request whose response the plugin writes straight to the socket once Kestrel has parsed the
/// request: the shared segments go out as gather writes of their own arrays (<see cref="SocketSegmentSender"/>)
/// instead of a copy into Kestrel's response pipe per player. Kestrel writes nothing for a request until its
/// handler returns or starts the response, so until the plugin writes its head here the request can still be
/// answered through Kestrel (a refusal); once it has, the handler must end with <see cref="EndAsync"/> or
/// <see cref="Abort"/>, never by returning to Kestrel (which would write a second response).
/// What the client sends meanwhile is in <see cref="Input"/> (Kestrel's receive loop keeps reading the socket).
/// </summary>
public sealed class DirectHttpConnection : IDisposable
{
    private readonly HttpContext _http;

    private DirectHttpConnection(HttpContext http, Socket socket, PipeReader input)
    {
        _http = http;
        Input = input;
        Sender = new SocketSegmentSender(socket);
    }

    /// <summary>Writes to the socket; the response head goes as the prefix of the first write.</summary>
    public SocketSegmentSender Sender { get; }

    /// <summary>The bytes the client sends after the request head (e.g. WebSocket frames), read from Kestrel's connection pipe.</summary>
    public PipeReader Input { get; }

    /// <summary>HTTP/1.0: no chunked encoding, the body ends with the connection.</summary>
    public bool IsHttp10 => HttpProtocol.IsHttp10(_http.Request.Protocol);

    /// <summary>
    /// The connection of <paramref name="http"/> when its response can be written directly: HTTP/1.x over a plain
    /// TCP socket of Kestrel's socket transport. Null otherwise (TLS, HTTP/2, another server): write through Kestrel.
    /// </summary>
    public static DirectHttpConnection? TryCreate(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.IsHttps || !(HttpProtocol.IsHttp11(http.Request.Protocol) || HttpProtocol.IsHttp10(http.Request.Protocol)))
        {
            return null;
        }

        var socket = http.Features.Get<IConnectionSocketFeature>()?.Socket;
        var transport = http.Features.Get<IConnectionTransportFeature>()?.Transport;
        return socket is null || transport is null || socket.ProtocolType != ProtocolType.Tcp ? null : new DirectHttpConnection(http, socket, transport.Input);
    }

    /// <summary>
    /// The response head: status line, every header of <paramref name="headers"/> and a Date. Header names and values
    /// must be printable ASCII (a CR or LF would split the response): <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public static byte[] BuildHead(int statusCode, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(statusCode).Append(' ').Append(ReasonPhrases.GetReasonPhrase(statusCode)).Append("\r\n");
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                CheckPrintable(name, name);
                CheckPrintable(name, value ?? string.Empty);
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        if (!headers.ContainsKey("Date"))
        {
            head.Append("Date: ").Append(DateTime.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>
    /// Ends a response that went out whole: sends FIN after the last byte, waits (at most <paramref name="lingerTimeout"/>)
    /// for the client to close its side, then drops the connection from Kestrel. Without the wait Kestrel's abort
    /// resets the connection, and a reset can discard bytes the client has not read yet.
    /// </summary>
    /// <param name="lingerTimeout">Longest wait for the client to close its side.</param>
    /// <param name="readInput">False when another reader (a WebSocket receive loop) may still hold <see cref="Input"/>.</param>
    public async Task EndAsync(TimeSpan lingerTimeout, bool readInput = true)
    {
        try
        {
            Sender.Socket.Shutdown(SocketShutdown.Send);
            if (readInput)
            {
                using var timeout = new CancellationTokenSource(lingerTimeout);
                while (true)
                {
                    var result = await Input.ReadAsync(timeout.Token).ConfigureAwait(false);
                    Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex) || ex is InvalidOperationException)
        {
            // Gone already, timed out, or the input was completed by Kestrel: nothing left to wait for.
        }
        finally
        {
            Abort();
        }
    }

    /// <summary>Drops the connection now (a reset): for a player that fell behind, or after <see cref="EndAsync"/>.</summary>
    public void Abort() => _http.Abort();

    /// <summary>Ends a blocked send (the writer loop of a closing player): the connection is dropped after it.</summary>
    public void ShutdownSend()
    {
        try
        {
            Sender.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Releases the sender's send operation; does not close the socket (Kestrel owns it: see <see cref="Abort"/>).</summary>
    public void Dispose() => Sender.Dispose();

    private static void CheckPrintable(string header, string text)
    {
        foreach (char c in text)
        {
            if ((c < 0x20 && c != '\t') || c > 0x7E)
            {
                throw new ArgumentException($"Header {header} has a character that cannot go in an HTTP/1.1 head (U+{(int)c:X4}).", nameof(text));
            }
        }
    }
}
