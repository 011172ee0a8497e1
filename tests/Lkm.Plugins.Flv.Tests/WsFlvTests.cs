using System.Net;
using System.Net.WebSockets;
using Lkm.Plugins.Flv.Tests.Support;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;

namespace Lkm.Plugins.Flv.Tests;

public sealed class WsFlvTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    private static async Task<List<byte[]>> ReceiveMessagesAsync(ClientWebSocket socket, long totalBytes, CancellationToken cancellationToken)
    {
        var messages = new List<byte[]>();
        var buffer = new byte[256 * 1024];
        long received = 0;
        while (received < totalBytes)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
                Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            messages.Add(message.ToArray());
            received += message.Length;
        }

        return messages;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WebSocketGetsBinaryMessagesThatConcatenateToFlv(bool directSend)
    {
        var sample = await FlvSample.GetAsync();
        var hub = new TestHub { Content = sample.Content };
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(server.WebSocketUri("/live/a/b.flv"), cts.Token);
        var messages = await ReceiveMessagesAsync(socket, sample.TotalBytes, cts.Token);

        // Through Kestrel's WebSocket one message per segment; written directly, one per wake-up of the writer loop
        // (a batch of segments in one frame). Players (flv.js, mpegts.js) concatenate them either way.
        Assert.InRange(messages.Count, 1, sample.Content.Count);
        Assert.Equal("FLV"u8.ToArray(), messages[0][..3]);
        Assert.Equal(sample.AllBytes, messages.SelectMany(m => m).ToArray());
        var flv = FlvParse.Parse(messages.SelectMany(m => m).ToArray());
        Assert.True(flv.Header.HasVideo && flv.Header.HasAudio);
        FlvParse.AssertConsistentPreviousTagSizes(flv);
        FlvParse.AssertMonotonicTimestamps(flv);

        var play = await hub.NextPlayAsync();
        Assert.Equal("ws-flv", play.Request.Protocol);
        Assert.Equal("ws-flv", play.Sink.Protocol);
        Assert.Equal("flv", play.Sink.TransProtocol);
        Assert.Equal("live/a/b", play.Request.StreamId);

        // The player closing the socket ends the play.
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal("client closed", ((SinkBase)play.Sink).CloseReason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SinkClosedByHostClosesTheWebSocket(bool directSend)
    {
        var sample = await FlvSample.GetAsync();
        var hub = new TestHub { Content = [sample.Content[0]] }; // the stream started: its header went out
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.WebSocketUri("/live/a/b.flv"), cts.Token);
        var play = await hub.NextPlayAsync();
        Assert.Single(await ReceiveMessagesAsync(socket, sample.Content[0].Length, cts.Token));

        play.Sink.Close(SinkCloseCause.StreamEnded, "stream ended");
        var result = await socket.ReceiveAsync(new byte[1024], cts.Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpgradeWaitsForTheStreamAndIsRefusedWith404WhenItDoesNotStart(bool directSend)
    {
        var hub = new TestHub { Content = [] }; // the stream has not started: no segment yet
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var connecting = socket.ConnectAsync(server.WebSocketUri("/live/a/b.flv"), TestContext.Current.CancellationToken);
        var play = await hub.NextPlayAsync();

        // No upgrade while the player waits: a browser player sees "connecting", not an open socket without data.
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(connecting.IsCompleted, "the upgrade was answered before the stream started");

        play.Sink.Close(SinkCloseCause.NotFound, "the stream was not published within 2 s");
        await Assert.ThrowsAsync<WebSocketException>(() => connecting.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
        await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task DeniedUpgradeIs403()
    {
        var hub = new TestHub { DenyPlay = new StreamDeniedException(DenyReason.Forbidden, "no") };
        await using var server = await FlvTestServer.StartAsync(hub);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(server.WebSocketUri("/live/a/b.flv"), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }
}
