using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Testing.Flv;
using Lkm.Sdk.Testing.Rtmp;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// A player of a stream that does not start within <c>wait_timeout</c> is told the stream was not found, in its
/// protocol's terms, and nothing that says "accepted" reaches it before: HTTP-FLV gets 404 (no 200 with an empty
/// body), WS-FLV gets its upgrade refused with 404, RTMP gets <c>NetStream.Play.StreamNotFound</c>. The server logs
/// each refusal once.
/// </summary>
public sealed class StreamNotFoundTests
{
    private const string WaitTimeout = "defaults.wait_timeout=2s";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Http_flv_player_of_a_stream_never_published_gets_404_after_wait_timeout_and_no_headers_before()
    {
        await using var host = await HostProcess.StartAsync(WaitTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, host.HttpPort, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /live/nobody.flv HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), Ct);
        var clock = Stopwatch.StartNew();

        var raw = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), Ct)) > 0)
        {
            if (raw.Length == 0)
            {
                // The first byte of the answer: not before the wait ended.
                Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"the server answered after {clock.Elapsed.TotalSeconds:0.0} s, before the 2 s wait ended");
            }

            raw.Write(buffer, 0, n);
        }

        var response = RawHttpResponse.Parse(raw.ToArray());
        Assert.Equal(404, response.Status);
        Assert.Contains("not published within 2 s", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        await AssertRefusalLoggedOnceAsync(host, "FLV play refused: stream live/nobody, flv player", "404");
    }

    [Fact]
    public async Task Ws_flv_player_of_a_stream_never_published_gets_its_upgrade_refused_with_404()
    {
        await using var host = await HostProcess.StartAsync(WaitTimeout);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(host.WsFlvUrl("live/nobody")), Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));

        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"refused after {clock.Elapsed.TotalSeconds:0.0} s, before the 2 s wait ended");
        await AssertRefusalLoggedOnceAsync(host, "FLV play refused: stream live/nobody, ws-flv player", "404");
    }

    [Fact]
    public async Task Rtmp_player_of_a_stream_never_published_gets_StreamNotFound_after_wait_timeout()
    {
        await using var host = await HostProcess.StartAsync(WaitTimeout);
        await using var client = await RawRtmpClient.ConnectAsync(host.RtmpPort);
        await client.ConnectAppAsync("live");
        await client.SendCommandAsync(0, "createStream", 2.0, null);
        await client.SendCommandAsync(1, "play", 3.0, null, "nobody");
        await client.ReadUntilAsync(m => RawRtmpClient.StatusCode(m) == "NetStream.Play.Start");
        var clock = Stopwatch.StartNew();

        var status = (await client.ReadUntilAsync(m => RawRtmpClient.StatusCode(m) is not null && RawRtmpClient.StatusCode(m) != "NetStream.Play.Start", timeoutMs: 15_000)).Last();

        Assert.Equal("NetStream.Play.StreamNotFound", RawRtmpClient.StatusCode(status));
        var info = (Amf0Object)RawRtmpClient.Values(status)[3]!;
        Assert.Equal("error", info["level"]);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"StreamNotFound after {clock.Elapsed.TotalSeconds:0.0} s, before the 2 s wait ended");
        Assert.True(await client.WaitClosedAsync(5000), "the server did not close the connection after StreamNotFound");
        await AssertRefusalLoggedOnceAsync(host, "RTMP play live/nobody from", "refused with NetStream.Play.StreamNotFound");
    }

    [Fact]
    public async Task A_player_that_waits_less_than_wait_timeout_gets_the_stream_when_it_starts()
    {
        _ = ExternalTools.Ffmpeg;
        await using var host = await HostProcess.StartAsync("defaults.wait_timeout=20s");
        var http = FlvCapture.HttpAsync(host.HttpPort, "live/late.flv", TimeSpan.FromSeconds(8));
        var ws = FlvCapture.WebSocketAsync(host.WsFlvUrl("live/late"), TimeSpan.FromSeconds(8));
        await host.WaitForLogAsync(l => l.Contains("live/late: ws-flv player", StringComparison.Ordinal) && l.Contains("waits", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        await Task.Delay(1000, Ct);

        await using var publisher = Support.FfmpegProcess.PublishTestStream(host.RtmpUrl("live/late"));

        var flv = Support.FlvCheck.Validate(await http);
        Assert.True(flv.KeyFrames >= 1, "the HTTP-FLV player got no keyframe");
        var messages = await ws;
        Assert.Equal("FLV"u8.ToArray(), messages[0][..3]);
        Assert.True(Support.FlvCheck.Validate(messages.SelectMany(m => m).ToArray()).KeyFrames >= 1, "the WS-FLV player got no keyframe");
        Assert.DoesNotContain(host.Log, l => l.Contains("refused", StringComparison.Ordinal));
    }

    private static async Task AssertRefusalLoggedOnceAsync(HostProcess host, string start, string detail)
    {
        await host.WaitForLogAsync(l => l.Contains(start, StringComparison.Ordinal) && l.Contains(detail, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        await Task.Delay(300, Ct);
        var line = Assert.Single(host.Log, l => l.Contains(start, StringComparison.Ordinal) && l.Contains(detail, StringComparison.Ordinal));
        Assert.Contains("not published within 2 s", line, StringComparison.Ordinal);
    }
}
