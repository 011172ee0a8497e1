using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Lkm.Plugins.Flv.Tests.Support;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;

namespace Lkm.Plugins.Flv.Tests;

/// <summary>
/// The direct WS-FLV player (<see cref="WsFlvSink"/>) against a WebSocket client written here on a raw TCP socket,
/// so the test controls every byte the client sends (pings, close frames, protocol errors, a dropped connection).
/// </summary>
public sealed class WsFlvDirectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    // An FLV file header (audio + video) and its first PreviousTagSize: what a stream that started sends first.
    private static readonly byte[] FlvHeader = [(byte)'F', (byte)'L', (byte)'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0];

    private static async Task<(FlvTestServer Server, TestHub Hub, Segment Header)> StartAsync()
    {
        var header = Segment.CopyOf(FlvHeader);
        var hub = new TestHub { Content = [header] };
        var server = await FlvTestServer.StartAsync(hub); // direct_send defaults to true
        return (server, hub, header);
    }

    /// <summary>
    /// The host ends the stream once the writer loop is idle. A close while a write is still in its send (even one whose
    /// bytes the player already has) makes <see cref="WsFlvSink"/> shut the socket down to end a blocked write, and then
    /// the player gets no close frame: a pause lets the writer loop leave the send it just finished.
    /// </summary>
    private static async Task CloseFromHostWhenIdleAsync(TestPlay play)
    {
        await Task.Delay(200, TestContext.Current.CancellationToken);
        play.Sink.Close(SinkCloseCause.StreamEnded, "stream ended");
    }

    [Fact]
    public async Task UpgradeIsAnsweredWith101AndTheAcceptKeyThenTheFlvHeaderInABinaryFrame()
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();

            Assert.StartsWith("HTTP/1.1 101 ", client.ResponseHead, StringComparison.Ordinal);
            Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", client.ResponseHead, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\r\nUpgrade: websocket\r\n", client.ResponseHead, StringComparison.OrdinalIgnoreCase);
            var frame = await client.ReceiveFrameAsync();
            Assert.True(frame.Fin);
            Assert.Equal(0x2, frame.Opcode);
            Assert.Equal(FlvHeader, frame.Payload);
            Assert.Equal("ws-flv", play.Sink.Protocol);
            Assert.IsType<WsFlvSink>(play.Sink);

            await CloseFromHostWhenIdleAsync(play);
            Assert.Equal(1000, await client.AnswerServerCloseAsync());
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        header.Release();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(125)]
    public async Task PingIsAnsweredWithAPongCarryingTheSamePayload(int length)
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode); // the FLV header
            var payload = Enumerable.Range(0, length).Select(i => (byte)(i + 1)).ToArray();

            await client.SendFrameAsync(0x9, payload);
            var pong = await client.ReceiveFrameAsync(skipData: true);

            Assert.Equal(0xA, pong.Opcode);
            Assert.True(pong.Fin);
            Assert.Equal(payload, pong.Payload);
            Assert.False(play.Sink is SinkBase { IsClosed: true }, "a ping does not end the play");

            // A data frame from the player (ignored, however long) and a second ping: answered in turn.
            await client.SendFrameAsync(0x2, new byte[70_000]);
            await client.SendFrameAsync(0x9, "again"u8.ToArray());
            var second = await client.ReceiveFrameAsync(skipData: true);
            Assert.Equal(0xA, second.Opcode);
            Assert.Equal("again"u8.ToArray(), second.Payload);

            await CloseFromHostWhenIdleAsync(play);
            Assert.Equal(1000, await client.AnswerServerCloseAsync());
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        header.Release();
    }

    [Fact]
    public async Task PongsGoBetweenMediaFramesNeverInsideOne()
    {
        var (server, hub, header) = await StartAsync();
        var segments = Enumerable.Range(0, 300).Select(i => Segment.CopyOf(Enumerable.Repeat((byte)i, 5000 + i).ToArray())).ToList();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            var media = new List<byte>();
            var pongs = new List<byte[]>();

            // Media flows while the player pings: a pong written during a media write would corrupt the framing.
            var feeding = Task.Run(async () =>
            {
                foreach (var segment in segments)
                {
                    Assert.True(TestHub.Send(play.Sink, segment, hub.Limits));
                    await Task.Delay(1);
                }
            }, TestContext.Current.CancellationToken);
            var pings = Enumerable.Range(0, 30).Select(i => new[] { (byte)'p', (byte)i }).ToList();
            var pinging = Task.Run(async () =>
            {
                foreach (var ping in pings)
                {
                    await client.SendFrameAsync(0x9, ping);
                    await Task.Delay(5);
                }
            }, TestContext.Current.CancellationToken);

            long expected = FlvHeader.Length + segments.Sum(s => (long)s.Length);
            while (media.Count < expected || pongs.Count == 0 || pongs[^1][1] != pings[^1][1])
            {
                var frame = await client.ReceiveFrameAsync();
                Assert.True(frame.Fin);
                Assert.True(frame.Opcode is 0x2 or 0xA, $"unexpected opcode {frame.Opcode}");
                if (frame.Opcode == 0x2)
                {
                    media.AddRange(frame.Payload);
                }
                else
                {
                    pongs.Add(frame.Payload);
                }
            }

            await Task.WhenAll(feeding, pinging);
            Assert.Equal(FlvHeader.Concat(segments.SelectMany(s => s.Memory.ToArray())), media);

            // Every pong answers a ping, in order; a newer ping may replace one not yet answered (RFC 6455 5.5.3).
            var answered = pongs.Select(p => (int)p[1]).ToList();
            Assert.All(pongs, p => Assert.Equal((byte)'p', p[0]));
            Assert.Equal(answered.Order(), answered);
            Assert.Equal(answered.Distinct().Count(), answered.Count);
            Assert.Equal(29, answered[^1]);

            await CloseFromHostWhenIdleAsync(play);
            Assert.Equal(1000, await client.AnswerServerCloseAsync());
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        header.Release();
        segments.ForEach(s => s.Release());
    }

    [Fact]
    public async Task ClientCloseFrameGetsACloseFrameBackAndEndsThePlay()
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode);

            await client.SendFrameAsync(0x8, [0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e']);
            var close = await client.ReceiveFrameAsync(skipData: true);

            Assert.Equal(0x8, close.Opcode);
            Assert.Equal(1000, close.CloseStatus);
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal("client closed", ((SinkBase)play.Sink).CloseReason);

            // Both sides sent their close frame: the server ends the TCP connection (RFC 6455 7.1.1).
            Assert.True(await client.ReadsEndAsync(), "the server kept the connection open after the closing handshake");
        }

        header.Release();
    }

    [Fact]
    public async Task UnmaskedClientFrameIsAProtocolErrorClosedWith1002()
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode);

            await client.SendFrameAsync(0x9, "hi"u8.ToArray(), masked: false);
            var close = await client.ReceiveFrameAsync(skipData: true);

            Assert.Equal(0x8, close.Opcode);
            Assert.Equal(1002, close.CloseStatus);
            Assert.Contains("unmasked", close.CloseReason, StringComparison.Ordinal);
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Contains("protocol error", ((SinkBase)play.Sink).CloseReason, StringComparison.Ordinal);
        }

        header.Release();
    }

    [Fact]
    public async Task AfterAProtocolErrorTheServerWaitsForTheClientToCloseInsteadOfResetting()
    {
        // The close frame is followed by FIN, then the server reads until the client closes too (EndAsync's linger):
        // dropping the connection at once would reset it, and a reset can discard the close frame before it is read.
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode);

            await client.SendFrameAsync(0x2, new byte[100], masked: false);
            Assert.Equal(1002, (await client.ReceiveFrameAsync(skipData: true)).CloseStatus);
            Assert.True(await client.ReadsEndAsync(), "no FIN after the close frame");

            // The client answers late with its close frame, then more: the server still reads (no reset comes back).
            await Task.Delay(300, TestContext.Current.CancellationToken);
            await client.SendFrameAsync(0x8, [0x03, 0xEA]);
            await Task.Delay(200, TestContext.Current.CancellationToken);
            await client.SendFrameAsync(0x2, new byte[10]);
            await Task.Delay(200, TestContext.Current.CancellationToken);
            await client.SendFrameAsync(0x2, new byte[10]);

            client.Drop(reset: false);
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        header.Release();
    }

    [Theory]
    [InlineData(0xC2)] // reserved bit RSV1 without a negotiated extension
    [InlineData(0x83)] // unknown opcode
    [InlineData(0x09)] // a fragmented ping
    public async Task OtherProtocolErrorsAreClosedWith1002(byte firstByte)
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode);

            await client.SendRawAsync([firstByte, 0x80, 1, 2, 3, 4]);
            var close = await client.ReceiveFrameAsync(skipData: true);

            Assert.Equal(0x8, close.Opcode);
            Assert.Equal(1002, close.CloseStatus);
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        header.Release();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientDroppingTcpWithoutACloseFrameEndsThePlay(bool reset)
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode);

            client.Drop(reset);

            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            var sink = (SinkBase)play.Sink;
            Assert.True(sink.IsClosed);
            Assert.Null(sink.Fault);
            if (!reset)
            {
                Assert.Equal("client closed", sink.CloseReason);
            }
        }

        header.Release();
    }

    [Fact]
    public async Task PingSplitAcrossTcpWritesIsAnswered()
    {
        var (server, hub, header) = await StartAsync();
        await using (server)
        {
            using var client = await RawWebSocketClient.ConnectAsync(server.BaseUri, "/live/a/b.flv");
            var play = await hub.NextPlayAsync();
            Assert.Equal(0x2, (await client.ReceiveFrameAsync()).Opcode);

            var frame = RawWebSocketClient.MaskedFrame(0x9, "split"u8.ToArray());
            foreach (var b in frame)
            {
                await client.SendRawAsync([b]);
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }

            var pong = await client.ReceiveFrameAsync(skipData: true);
            Assert.Equal(0xA, pong.Opcode);
            Assert.Equal("split"u8.ToArray(), pong.Payload);

            await CloseFromHostWhenIdleAsync(play);
            Assert.Equal(1000, await client.AnswerServerCloseAsync());
            await play.Disposed.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        header.Release();
    }

    /// <summary>A minimal WebSocket client (RFC 6455) over a raw socket: masked frames out, unmasked frames in.</summary>
    private sealed class RawWebSocketClient : IDisposable
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _timeout = new(Timeout);
        private readonly List<byte> _received = [];

        private RawWebSocketClient(Socket socket)
        {
            _socket = socket;
        }

        public string ResponseHead { get; private set; } = string.Empty;

        public static async Task<RawWebSocketClient> ConnectAsync(Uri baseUri, string path)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var client = new RawWebSocketClient(socket);
            await socket.ConnectAsync(baseUri.Host, baseUri.Port, client._timeout.Token);
            string request = $"GET {path} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await client.SendRawAsync(Encoding.ASCII.GetBytes(request));

            // The upgrade goes out when the stream starts (the hub sends its first segment at once).
            while (true)
            {
                int end = IndexOfHeadEnd(client._received);
                if (end >= 0)
                {
                    client.ResponseHead = Encoding.ASCII.GetString([.. client._received.Take(end + 4)]);
                    client._received.RemoveRange(0, end + 4);
                    return client;
                }

                Assert.True(await client.FillAsync(), "the server closed the connection before answering the upgrade");
            }
        }

        public static byte[] MaskedFrame(byte opcode, byte[] payload, bool masked = true)
        {
            var frame = new List<byte> { (byte)(0x80 | opcode) };
            byte maskBit = masked ? (byte)0x80 : (byte)0;
            if (payload.Length <= 125)
            {
                frame.Add((byte)(maskBit | payload.Length));
            }
            else if (payload.Length <= ushort.MaxValue)
            {
                frame.Add((byte)(maskBit | 126));
                frame.Add((byte)(payload.Length >> 8));
                frame.Add((byte)payload.Length);
            }
            else
            {
                frame.Add((byte)(maskBit | 127));
                var length = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
                frame.AddRange(length);
            }

            byte[] key = [0x5A, 0x13, 0xC4, 0x7E];
            if (masked)
            {
                frame.AddRange(key);
            }

            for (int i = 0; i < payload.Length; i++)
            {
                frame.Add(masked ? (byte)(payload[i] ^ key[i & 3]) : payload[i]);
            }

            return [.. frame];
        }

        public Task SendFrameAsync(byte opcode, byte[] payload, bool masked = true) => SendRawAsync(MaskedFrame(opcode, payload, masked));

        public async Task SendRawAsync(byte[] bytes)
        {
            int sent = 0;
            while (sent < bytes.Length)
            {
                sent += await _socket.SendAsync(bytes.AsMemory(sent), _timeout.Token);
            }
        }

        /// <summary>The next frame from the server (server frames are never masked); binary frames skipped when asked.</summary>
        public async Task<ServerFrame> ReceiveFrameAsync(bool skipData = false)
        {
            while (true)
            {
                await EnsureAsync(2);
                byte b0 = _received[0], b1 = _received[1];
                Assert.Equal(0, b1 & 0x80); // RFC 6455 5.1: a server must not mask
                Assert.Equal(0, b0 & 0x70);
                int headerLength = 2;
                long length = b1 & 0x7F;
                if (length == 126)
                {
                    await EnsureAsync(4);
                    length = (_received[2] << 8) | _received[3];
                    headerLength = 4;
                }
                else if (length == 127)
                {
                    await EnsureAsync(10);
                    length = (long)BinaryPrimitives.ReadUInt64BigEndian([.. _received.Skip(2).Take(8)]);
                    headerLength = 10;
                }

                await EnsureAsync(headerLength + (int)length);
                var payload = _received.Skip(headerLength).Take((int)length).ToArray();
                _received.RemoveRange(0, headerLength + (int)length);
                var frame = new ServerFrame((b0 & 0x80) != 0, b0 & 0x0F, payload);
                if (!(skipData && frame.Opcode is 0x0 or 0x1 or 0x2))
                {
                    return frame;
                }
            }
        }

        /// <summary>The server's closing handshake from the client's side: its close frame, ours back, then our FIN.</summary>
        public async Task<int> AnswerServerCloseAsync()
        {
            var close = await ReceiveFrameAsync(skipData: true);
            Assert.Equal(0x8, close.Opcode);
            await SendFrameAsync(0x8, close.Payload.Take(2).ToArray());
            _socket.Shutdown(SocketShutdown.Send);
            Assert.True(await ReadsEndAsync(), "the server kept the connection open after the closing handshake");
            return close.CloseStatus;
        }

        /// <summary>True when the server ends the connection (FIN or reset) before anything more arrives.</summary>
        public async Task<bool> ReadsEndAsync()
        {
            try
            {
                return !await FillAsync() && _received.Count == 0;
            }
            catch (SocketException)
            {
                return true;
            }
        }

        public void Drop(bool reset)
        {
            if (reset)
            {
                _socket.LingerState = new LingerOption(true, 0);
            }

            _socket.Dispose();
            _timeout.Dispose();
        }

        public void Dispose()
        {
            _socket.Dispose();
            _timeout.Dispose();
        }

        private async Task EnsureAsync(int count)
        {
            while (_received.Count < count)
            {
                Assert.True(await FillAsync(), $"the server closed the connection with {_received.Count} of {count} bytes of a frame");
            }
        }

        private async Task<bool> FillAsync()
        {
            var buffer = new byte[64 * 1024];
            int read = await _socket.ReceiveAsync(buffer, _timeout.Token);
            _received.AddRange(buffer.AsSpan(0, read));
            return read > 0;
        }

        private static int IndexOfHeadEnd(List<byte> bytes)
        {
            for (int i = 0; i + 3 < bytes.Count; i++)
            {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }
    }

    private readonly record struct ServerFrame(bool Fin, int Opcode, byte[] Payload)
    {
        public int CloseStatus => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;

        public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : string.Empty;
    }
}
