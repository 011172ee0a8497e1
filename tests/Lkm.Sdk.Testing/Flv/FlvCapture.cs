using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Lkm.Sdk.Testing.Flv;

/// <summary>Raw HTTP-FLV / WS-FLV players for tests: read a stream's bytes for a while and keep them, with no player logic in between.</summary>
public static class FlvCapture
{
    /// <summary>GETs an HTTP-FLV URL over a raw socket and returns the body bytes (chunked encoding removed) read within <paramref name="duration"/>.</summary>
    public static async Task<byte[]> HttpAsync(int port, string path, TimeSpan duration, int maxBytes = 64 * 1024 * 1024)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        var raw = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(duration);
        try
        {
            while (raw.Length < maxBytes)
            {
                int n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    break;
                }

                raw.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return RawHttpResponse.Parse(raw.ToArray()).Body;
    }

    /// <summary>Receives WS-FLV binary messages for <paramref name="duration"/>; returns them in order.</summary>
    public static async Task<List<byte[]>> WebSocketAsync(string url, TimeSpan duration)
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri(url), CancellationToken.None);
        var messages = new List<byte[]>();
        var buffer = new byte[256 * 1024];
        var current = new MemoryStream();
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(duration);
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var result = await ws.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
                current.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    messages.Add(current.ToArray());
                    current.SetLength(0);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            // The aborted receive after cancellation.
        }

        return messages;
    }
}

/// <summary>A raw HTTP/1.1 response split into status, headers and de-chunked body (a cut-off last chunk is kept as far as it goes).</summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">The header fields (case-insensitive names).</param>
/// <param name="Body">The body, chunked transfer encoding removed.</param>
public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>Parses the bytes read from a connection; asserts the header is complete.</summary>
    public static RawHttpResponse Parse(byte[] raw)
    {
        int end = IndexOf(raw, "\r\n\r\n"u8, 0);
        Assert.True(end > 0, "no complete HTTP response header");
        string[] lines = Encoding.ASCII.GetString(raw, 0, end).Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        int pos = end + 4;
        if (!headers.TryGetValue("Transfer-Encoding", out var te) || !te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return new RawHttpResponse(status, headers, raw[pos..]);
        }

        var body = new MemoryStream();
        while (pos < raw.Length)
        {
            int lineEnd = IndexOf(raw, "\r\n"u8, pos);
            if (lineEnd < 0)
            {
                break;
            }

            int size = Convert.ToInt32(Encoding.ASCII.GetString(raw, pos, lineEnd - pos).Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            pos = lineEnd + 2;
            int take = Math.Min(size, raw.Length - pos);
            body.Write(raw, pos, take);
            pos += size + 2;
        }

        return new RawHttpResponse(status, headers, body.ToArray());
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int start)
    {
        int i = haystack.AsSpan(start).IndexOf(needle);
        return i < 0 ? -1 : start + i;
    }
}
