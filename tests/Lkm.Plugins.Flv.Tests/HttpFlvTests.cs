using System.Net;
using System.Net.Sockets;
using System.Text;
using Lkm.Plugins.Flv.Tests.Support;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Testing;

namespace Lkm.Plugins.Flv.Tests;

public sealed class HttpFlvTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    /// <summary>Synthetic content (no ffmpeg needed): header + segments of 2 s of H.264 + AAC.</summary>
    private static List<Segment> SyntheticContent()
    {
        var packets = SyntheticStream.AudioVideo(2000);
        using var stream = new FlvTransStream(new TransStreamContext
        {
            StreamId = "live/a/b",
            Tracks = [SyntheticStream.Video(0), SyntheticStream.Audio(1)],
            MergeWriteMs = 350,
        });
        var content = new List<Segment> { stream.Header };
        stream.Header.Retain();
        foreach (var packet in packets)
        {
            stream.Write(packet, content);
        }

        content.Add(stream.Flush()!);
        SyntheticStream.Release(packets);
        return content;
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream body, long count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        await body.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetStreamsFlvWithHeadersAndCorsAndPassesRequestToHub(bool directSend)
    {
        var content = SyntheticContent();
        var hub = new TestHub { Content = content };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var cts = new CancellationTokenSource(Timeout);

        using var response = await client.GetAsync("live/a/b.flv?token=abc&x=1", HttpCompletionOption.ResponseHeadersRead, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/x-flv", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.True(response.Headers.CacheControl?.NoCache);

        long total = content.Sum(s => (long)s.Length);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var bytes = await ReadExactlyAsync(body, total, cts.Token);
        Assert.Equal(FlvParse.Concat(content.Select(s => s.Memory)), bytes);
        var flv = FlvParse.Parse(bytes);
        FlvParse.AssertConsistentPreviousTagSizes(flv);
        FlvParse.AssertMonotonicTimestamps(flv);

        var play = await hub.NextPlayAsync();
        Assert.Equal("live/a/b", play.Request.StreamId);
        Assert.Equal("flv", play.Request.Protocol);
        Assert.Equal("abc", play.Request.Query["token"]);
        Assert.Equal("1", play.Request.Query["x"]);
        Assert.IsType<IPEndPoint>(play.Request.RemoteEndPoint);
        Assert.Equal("flv", play.Sink.Protocol);
        Assert.Equal("flv", play.Sink.TransProtocol);
        Assert.Equal(FlvTransStreamFactory.ProtocolName, Assert.Single(server.Context.TransStreamFactories).Protocol);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientLeavingClosesSinkAndDisposesPlayHandle(bool directSend)
    {
        var hub = new TestHub { Content = SyntheticContent() };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var cts = new CancellationTokenSource(Timeout);

        var response = await client.GetAsync("live/a/b.flv", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var play = await hub.NextPlayAsync();
        Assert.False(play.Disposed.IsCompleted);
        response.Dispose();
        client.Dispose();

        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await play.Sink.Completion.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SinkClosedByHostEndsTheResponseCleanlyAfterEveryByte(bool directSend)
    {
        var content = SyntheticContent();
        var hub = new TestHub { Content = content, CloseWhenSent = true };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var cts = new CancellationTokenSource(Timeout);

        using var response = await client.GetAsync("live/a/b.flv", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var play = await hub.NextPlayAsync();
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        using var received = new MemoryStream();
        await body.CopyToAsync(received, cts.Token);

        // The chunked body ended with its terminating chunk (no reset), after all the bytes.
        Assert.Equal(FlvParse.Concat(content.Select(s => s.Memory)), received.ToArray());
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal("stream ended", ((SinkBase)play.Sink).CloseReason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoHeadersUntilTheStreamStartsAnd404WhenItDoesNotStartInTime(bool directSend)
    {
        var hub = new TestHub { Content = [] }; // the stream has not started: no segment yet
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var cts = new CancellationTokenSource(Timeout);

        var responding = client.GetAsync("live/a/b.flv", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var play = await hub.NextPlayAsync();
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(responding.IsCompleted, "response headers were sent before the stream started");

        play.Sink.Close(SinkCloseCause.NotFound, "the stream was not published within 2 s");
        using var response = await responding;
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("stream live/a/b: the stream was not published within 2 s", await response.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Single(server.Context.Logs.Entries, e => e.Message.Contains("FLV play refused", StringComparison.Ordinal) && e.Message.Contains("404", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AWaitingPlayerGets200AndTheStreamOnceItStarts(bool directSend)
    {
        var content = SyntheticContent();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hub = new TestHub();
        hub.OnPlay = (request, sink) =>
        {
            _ = Task.Run(async () =>
            {
                await gate.Task;
                foreach (var segment in content)
                {
                    TestHub.Send(sink, segment, SinkQueueLimits.Default);
                }
            });
            return ValueTask.FromResult<IAsyncDisposable>(new TestPlay(request, sink));
        };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var cts = new CancellationTokenSource(Timeout);

        var responding = client.GetAsync("live/a/b.flv", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(responding.IsCompleted, "response headers were sent before the stream started");

        gate.SetResult();
        using var response = await responding;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/x-flv", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        long total = content.Sum(s => (long)s.Length);
        Assert.Equal(FlvParse.Concat(content.Select(s => s.Memory)), await ReadExactlyAsync(body, total, cts.Token));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StalledClientIsCutOffWhenHostClosesTheSink(bool directSend)
    {
        // Far more than socket buffers hold, so the sink's flush blocks on a client that reads nothing.
        var big = Segment.CopyOf(new byte[8 * 1024 * 1024]);
        var hub = new TestHub { Content = [SyntheticContent()[0], big] };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port, cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /live/a/b.flv HTTP/1.1\r\nHost: x\r\n\r\n"), cts.Token);
        var play = await hub.NextPlayAsync();
        var sink = (SinkBase)play.Sink;
        while (sink.QueuedBytes < big.Length)
        {
            await Task.Delay(10, cts.Token);
        }

        // Let the writer block on the full socket.
        await Task.Delay(300, cts.Token);
        Assert.False(sink.Completion.IsCompleted);
        Assert.Equal(0, sink.BytesSent);
        sink.Close("too slow");

        await sink.Completion.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        // The connection is cut: the client reaches its end without getting the 8 MiB queued in Kestrel.
        long received = 0;
        var buffer = new byte[256 * 1024];
        bool ended = false;
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, cts.Token)) > 0)
            {
                received += n;
            }

            ended = true;
        }
        catch (SocketException)
        {
            ended = true;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(ended, $"connection still open after {received} bytes");
        Assert.True(received < big.Length, $"{received} bytes received");
        big.Release();
    }

    [Theory]
    [InlineData(DenyReason.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(DenyReason.BadRequest, HttpStatusCode.BadRequest)]
    [InlineData(DenyReason.Unavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task HubDenialMapsToStatusWithReasonBody(DenyReason reason, HttpStatusCode expected)
    {
        var hub = new TestHub { DenyPlay = new StreamDeniedException(reason, "no ticket for you") };
        await using var server = await FlvTestServer.StartAsync(hub);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        using var response = await client.GetAsync("live/a/b.flv", TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("no ticket for you", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Empty(hub.Plays);
    }

    [Theory]
    [InlineData("live//b.flv")]
    [InlineData(".flv")]
    [InlineData("live/a%01.flv")]
    public async Task BadStreamIdIs400AndNeverReachesHub(string path)
    {
        var hub = new TestHub();
        await using var server = await FlvTestServer.StartAsync(hub);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(hub.Plays);
    }

    [Fact]
    public async Task OptionsPreflightIs204WithCors()
    {
        var hub = new TestHub();
        await using var server = await FlvTestServer.StartAsync(hub);
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Options, "live/a/b.flv");
        request.Headers.Add("Origin", "http://player.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "range");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("GET", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Equal("range", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.Empty(hub.Plays);
    }

    [Fact]
    public async Task CorsCanBeTurnedOffOrGivenAnOrigin()
    {
        var hub = new TestHub { DenyPlay = new StreamDeniedException(DenyReason.Forbidden, "no") };
        await using (var server = await FlvTestServer.StartAsync(hub, new() { ["cors"] = false }))
        {
            using var client = new HttpClient { BaseAddress = server.BaseUri };
            using var response = await client.GetAsync("live/a/b.flv", TestContext.Current.CancellationToken);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }

        await using (var server = await FlvTestServer.StartAsync(hub, new() { ["allow_origin"] = "https://app.example" }))
        {
            using var client = new HttpClient { BaseAddress = server.BaseUri };
            using var response = await client.GetAsync("live/a/b.flv", TestContext.Current.CancellationToken);
            Assert.Equal("https://app.example", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        }
    }

    [Fact]
    public async Task PostIs405()
    {
        var hub = new TestHub();
        await using var server = await FlvTestServer.StartAsync(hub);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        using var response = await client.PostAsync("live/a/b.flv", new ByteArrayContent([]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(hub.Plays);
    }

    [Fact]
    public async Task HeadAnswersHeadersWithoutBody()
    {
        var hub = new TestHub { Content = SyntheticContent() };
        await using var server = await FlvTestServer.StartAsync(hub);
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Head, "live/a/b.flv");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/x-flv", response.Content.Headers.ContentType?.MediaType);
        var play = await hub.NextPlayAsync();
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StoppedPluginAnswers503()
    {
        var hub = new TestHub();
        await using var server = await FlvTestServer.StartAsync(hub);
        await server.Plugin.StopAsync(TestContext.Current.CancellationToken);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        using var response = await client.GetAsync("live/a/b.flv", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(hub.Plays);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Http10ClientGetsIdentityBodyUntilClose(bool directSend)
    {
        var content = SyntheticContent();
        var hub = new TestHub { Content = content, CloseWhenSent = true };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port, cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /live/a/b.flv HTTP/1.0\r\nHost: x\r\n\r\n"), cts.Token);

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // Reset after the body: the sink was closed by the host.
        }

        byte[] all = received.ToArray();
        int headerEnd = all.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        string head = Encoding.ASCII.GetString(all, 0, headerEnd);
        Assert.StartsWith("HTTP/1.1 200", head);
        Assert.DoesNotContain("chunked", head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Content-Length", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("FLV"u8.ToArray(), all[headerEnd..(headerEnd + 3)]);
        var flv = FlvParse.Parse(all[headerEnd..]);
        FlvParse.AssertConsistentPreviousTagSizes(flv);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FfmpegSampleOverHttpParsesAsFlv(bool directSend)
    {
        var sample = await FlvSample.GetAsync();
        var hub = new TestHub { Content = sample.Content };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var cts = new CancellationTokenSource(Timeout);

        using var response = await client.GetAsync("live/a/b.flv", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var bytes = await ReadExactlyAsync(body, sample.TotalBytes, cts.Token);

        Assert.Equal(sample.AllBytes, bytes);
        var flv = FlvParse.Parse(bytes);
        Assert.True(flv.Header.HasVideo);
        Assert.True(flv.Header.HasAudio);
        FlvParse.AssertConsistentPreviousTagSizes(flv);
        FlvParse.AssertMonotonicTimestamps(flv);
        Assert.Contains(flv.Tags, t => t.Timestamp > 2500);
    }

    [Fact]
    public async Task FfprobeReadsHttpFlv()
    {
        string ffprobe = ExternalTools.Require("ffprobe");
        var sample = await FlvSample.GetAsync();
        var hub = new TestHub { Content = sample.Content };
        await using var server = await FlvTestServer.StartAsync(hub);

        var (exit, stdout, stderr) = await ToolProcess.RunAsync(
            ffprobe,
            ["-v", "error", "-show_entries", "stream=codec_name,width,height,sample_rate", "-of", "compact=p=0:nk=0",
             new Uri(server.BaseUri, "live/a/b.flv").ToString()],
            Timeout);

        Assert.True(exit == 0, "ffprobe failed: " + stderr);
        Assert.Contains("codec_name=h264|width=640|height=360", stdout);
        Assert.Contains("codec_name=aac|sample_rate=44100", stdout);
        var play = await hub.NextPlayAsync();
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }
}
