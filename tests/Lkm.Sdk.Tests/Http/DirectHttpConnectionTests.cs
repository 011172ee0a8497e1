using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Tests.Http;

public class DirectHttpConnectionTests
{
    private static string Head(int status, IHeaderDictionary headers) => Encoding.ASCII.GetString(DirectHttpConnection.BuildHead(status, headers));

    private static string[] Lines(string head)
    {
        Assert.EndsWith("\r\n\r\n", head, StringComparison.Ordinal);
        var lines = head[..^4].Split("\r\n");
        Assert.All(lines, line => Assert.DoesNotContain('\n', line));
        return lines;
    }

    [Fact]
    public void HeadHasTheStatusLineEveryHeaderAndADate()
    {
        var headers = new HeaderDictionary { ["Content-Type"] = "video/x-flv", ["Cache-Control"] = "no-cache" };

        var lines = Lines(Head(200, headers));

        Assert.Equal("HTTP/1.1 200 OK", lines[0]);
        Assert.Contains("Content-Type: video/x-flv", lines);
        Assert.Contains("Cache-Control: no-cache", lines);
        var date = Assert.Single(lines, l => l.StartsWith("Date: ", StringComparison.Ordinal));
        var parsed = DateTime.ParseExact(date["Date: ".Length..], "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(parsed, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void SwitchingProtocolsHead()
    {
        var headers = new HeaderDictionary { ["Upgrade"] = "websocket", ["Connection"] = "Upgrade", ["Sec-WebSocket-Accept"] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" };

        var lines = Lines(Head(101, headers));

        Assert.Equal("HTTP/1.1 101 Switching Protocols", lines[0]);
        Assert.Contains("Upgrade: websocket", lines);
        Assert.Contains("Connection: Upgrade", lines);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", lines);
    }

    [Theory]
    [InlineData(404, "HTTP/1.1 404 Not Found")]
    [InlineData(503, "HTTP/1.1 503 Service Unavailable")]
    public void StatusLineHasTheReasonPhrase(int status, string expected)
    {
        Assert.Equal(expected, Lines(Head(status, new HeaderDictionary()))[0]);
    }

    [Fact]
    public void AGivenDateIsNotRepeated()
    {
        var lines = Lines(Head(200, new HeaderDictionary { ["Date"] = "Thu, 01 Jan 2026 00:00:00 GMT" }));
        Assert.Equal("Date: Thu, 01 Jan 2026 00:00:00 GMT", Assert.Single(lines, l => l.StartsWith("Date:", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void EachValueOfAHeaderIsALine()
    {
        var lines = Lines(Head(200, new HeaderDictionary { ["Set-Cookie"] = new(["a=1", "b=2"]) }));
        Assert.Equal(["Set-Cookie: a=1", "Set-Cookie: b=2"], lines.Where(l => l.StartsWith("Set-Cookie", StringComparison.Ordinal)));
    }

    [Fact]
    public void TabAndPrintableAsciiAreAllowed()
    {
        string printable = new([.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c)]);
        var lines = Lines(Head(200, new HeaderDictionary { ["X-All"] = "a\tb " + printable }));
        Assert.Contains("X-All: a\tb " + printable, lines);
    }

    [Theory]
    [InlineData("X-Evil", "a\r\nSet-Cookie: owned=1")]
    [InlineData("X-Evil", "a\rb")]
    [InlineData("X-Evil", "a\nb")]
    [InlineData("X-Evil", "a\0b")]
    [InlineData("X-Evil", "a\u007Fb")]
    [InlineData("X-Evil", "caf\u00E9")]
    [InlineData("X-Evil", "\u0100")]
    [InlineData("X-Evil", "\uD83D\uDE00")]
    [InlineData("X-Evil\r\nSet-Cookie", "owned=1")]
    [InlineData("X-Evil\n", "a")]
    [InlineData("X-\u00C9vil", "a")]
    public void ControlOrNonAsciiCharacterInANameOrValueIsRefused(string name, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => DirectHttpConnection.BuildHead(200, new HeaderDictionary { [name] = value }));
        Assert.Contains("X-", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullHeadersAreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => DirectHttpConnection.BuildHead(200, null!));
        Assert.Throws<ArgumentNullException>(() => DirectHttpConnection.TryCreate(null!));
    }

    [Fact]
    public void PlainDefaultHttpContextHasNoDirectConnection()
    {
        Assert.Null(DirectHttpConnection.TryCreate(new DefaultHttpContext()));
        var http11 = new DefaultHttpContext();
        http11.Request.Protocol = "HTTP/1.1";
        Assert.Null(DirectHttpConnection.TryCreate(http11));
    }

    private static (DefaultHttpContext Http, Socket Socket, Pipe Pipe) WithSocketFeatures(string protocol, SocketType socketType = SocketType.Stream, ProtocolType protocolType = ProtocolType.Tcp)
    {
        var socket = new Socket(AddressFamily.InterNetwork, socketType, protocolType);
        var pipe = new Pipe();
        var http = new DefaultHttpContext();
        http.Request.Protocol = protocol;
        http.Features.Set<IConnectionSocketFeature>(new SocketFeature(socket));
        http.Features.Set<IConnectionTransportFeature>(new TransportFeature(new DuplexPipe(pipe.Reader, pipe.Writer)));
        return (http, socket, pipe);
    }

    [Theory]
    [InlineData("HTTP/1.1", false)]
    [InlineData("HTTP/1.0", true)]
    public void HttpOneOverATcpSocketHasADirectConnection(string protocol, bool isHttp10)
    {
        var (http, socket, pipe) = WithSocketFeatures(protocol);
        using (socket)
        {
            using var direct = DirectHttpConnection.TryCreate(http);

            Assert.NotNull(direct);
            Assert.Same(socket, direct.Sender.Socket);
            Assert.Same(pipe.Reader, direct.Input);
            Assert.Equal(isHttp10, direct.IsHttp10);
        }
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/3")]
    [InlineData("")]
    public void OtherProtocolsHaveNoDirectConnection(string protocol)
    {
        var (http, socket, _) = WithSocketFeatures(protocol);
        using (socket)
        {
            Assert.Null(DirectHttpConnection.TryCreate(http));
        }
    }

    [Fact]
    public void HttpsHasNoDirectConnection()
    {
        var (http, socket, _) = WithSocketFeatures("HTTP/1.1");
        using (socket)
        {
            http.Request.Scheme = "https";
            Assert.Null(DirectHttpConnection.TryCreate(http));
        }
    }

    [Fact]
    public void NonTcpSocketHasNoDirectConnection()
    {
        var (http, socket, _) = WithSocketFeatures("HTTP/1.1", SocketType.Dgram, ProtocolType.Udp);
        using (socket)
        {
            Assert.Null(DirectHttpConnection.TryCreate(http));
        }
    }

    [Fact]
    public void SocketWithoutTransportHasNoDirectConnection()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var http = new DefaultHttpContext();
        http.Request.Protocol = "HTTP/1.1";
        http.Features.Set<IConnectionSocketFeature>(new SocketFeature(socket));
        Assert.Null(DirectHttpConnection.TryCreate(http));
    }

    [Fact]
    public async Task EndAsyncOnKestrelDeliversEveryByteThenEndsWithFinOnceTheClientCloses()
    {
        var body = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(body);
        var ended = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartKestrelAsync(async http =>
        {
            using var direct = DirectHttpConnection.TryCreate(http);
            Assert.NotNull(direct);
            var head = DirectHttpConnection.BuildHead(200, new HeaderDictionary { ["Content-Type"] = "application/octet-stream", ["Connection"] = "close" });
            var segment = Segment.CopyOf(body);
            try
            {
                await direct.Sender.SendAsync(new ArraySegment<byte>(head), [segment], default);
            }
            finally
            {
                segment.Release();
            }

            var started = DateTime.UtcNow;
            await direct.EndAsync(TimeSpan.FromSeconds(5));
            ended.TrySetResult(DateTime.UtcNow - started);
        });

        using var client = await ConnectAsync(app);
        await client.SendAsync("GET /x HTTP/1.1\r\nHost: test\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);

        // Read late: the bytes wait in the buffers while the server ends, where a reset would discard them.
        await Task.Delay(300, TestContext.Current.CancellationToken);
        var received = await ReadToEndAsync(client);

        string text = Encoding.ASCII.GetString(received, 0, Math.Min(received.Length, 512));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text, StringComparison.Ordinal);
        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        Assert.Equal(body.Length, received.Length - headEnd);
        Assert.True(body.AsSpan().SequenceEqual(received.AsSpan(headEnd)), "body bytes differ");

        // The server waits for the client's side to close, then ends at once (well before its linger timeout).
        client.Shutdown(SocketShutdown.Send);
        var lingered = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(lingered < TimeSpan.FromSeconds(4), $"EndAsync took {lingered} after the client closed");
    }

    [Fact]
    public async Task EndAsyncGivesUpAfterItsLingerTimeoutWhenTheClientStaysOpen()
    {
        var ended = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartKestrelAsync(async http =>
        {
            using var direct = DirectHttpConnection.TryCreate(http);
            Assert.NotNull(direct);
            await direct.Sender.SendAsync(new ArraySegment<byte>(DirectHttpConnection.BuildHead(200, new HeaderDictionary())), [], default);
            var started = DateTime.UtcNow;
            await direct.EndAsync(TimeSpan.FromMilliseconds(400));
            ended.TrySetResult(DateTime.UtcNow - started);
        });

        using var client = await ConnectAsync(app);
        await client.SendAsync("GET /x HTTP/1.1\r\nHost: test\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var received = await ReadToEndAsync(client); // FIN after the head

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        var lingered = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.InRange(lingered, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));
    }

    private static async Task<WebApplication> StartKestrelAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task<Socket> ConnectAsync(WebApplication app)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, address.Port), TestContext.Current.CancellationToken);
        return socket;
    }

    /// <summary>Everything until the server's FIN; a reset fails the test (SocketException).</summary>
    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    private sealed class SocketFeature(Socket socket) : IConnectionSocketFeature
    {
        public Socket Socket => socket;
    }

    private sealed class TransportFeature(IDuplexPipe transport) : IConnectionTransportFeature
    {
        public IDuplexPipe Transport { get; set; } = transport;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
