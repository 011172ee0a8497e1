using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.Rtp;

namespace Lkm.Interop.Tests.Gb28181;

/// <summary>
/// Cascade on the real host (<c>forward</c>): a source's RTP re-sent to an upper platform with the SSRC it negotiated,
/// its PS payload byte for byte what the device sent, over UDP, TCP we dial and TCP the platform dials; stopped by
/// <c>sink/close</c>.
/// </summary>
public sealed class Gb28181CascadeTests(GbMultiPortHost fixture) : IClassFixture<GbMultiPortHost>
{
    private const uint UpperSsrc = 0x0BADF00D;

    private GbServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Udp_forward_rewrites_the_ssrc_and_keeps_the_payload_and_sink_close_stops_it()
    {
        const string id = "cascade/udp";
        int port = await Server.CreateAsync(id, "udp", 400000001);
        await using var relay = new RecordingRelay(port);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(relay.Port, 400000001));
        await Server.WaitLiveAsync(id);

        using var upper = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        upper.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var forward = await Server.Api.DataAsync("/api/v1/gb28181/forward", new { source = id, addr = upper.LocalEndPoint!.ToString(), ssrc = UpperSsrc, setup = "udp" });
        string sink = forward.GetProperty("sink").GetString()!;
        Assert.Equal(forward.GetProperty("port").GetInt32(), ((IPEndPoint)await ReceiveFromAsync(upper)).Port);

        var received = new List<byte[]>();
        var buffer = new byte[65536];
        while (received.Count < 300)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            int n = await upper.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.Add(buffer.AsSpan(0, n).ToArray());
        }

        relay.AssertForwardedUnchanged(received, UpperSsrc);
        var sinks = await Server.Api.DataAsync("/api/v1/sink/list", new { source = id });
        Assert.Contains(sinks.EnumerateArray(), s => s.GetProperty("id").GetString() == sink);

        await Server.Api.DataAsync("/api/v1/sink/close", new { source = id, sink });
        await Server.Api.WaitForAsync("/api/v1/sink/list", s => s.EnumerateArray().All(x => x.GetProperty("id").GetString() != sink), "the forward to be gone", body: new { source = id });
        await Task.Delay(300, Ct);
        while (upper.Available > 0)
        {
            upper.Receive(buffer);
        }

        await Task.Delay(700, Ct);
        Assert.Equal(0, upper.Available);
        await Server.Api.DataAsync("/api/v1/source/close", new { source = id });
    }

    [Fact]
    public async Task Tcp_forwards_we_dial_and_the_platform_dials_carry_rfc4571_frames_with_the_new_ssrc()
    {
        const string id = "cascade/tcp";
        int port = await Server.CreateAsync(id, "udp", 400000002);
        await using var relay = new RecordingRelay(port);
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(relay.Port, 400000002));
        await Server.WaitLiveAsync(id);

        // setup passive: the upper platform listens, we connect to it.
        using var platform = new TcpListener(IPAddress.Loopback, 0);
        platform.Start();
        var dialled = await Server.Api.DataAsync("/api/v1/gb28181/forward", new { source = id, addr = platform.LocalEndpoint.ToString(), ssrc = UpperSsrc, setup = "passive" });
        using var inbound = await platform.AcceptSocketAsync(Ct);
        Assert.Equal(dialled.GetProperty("port").GetInt32(), ((IPEndPoint)inbound.RemoteEndPoint!).Port);
        relay.AssertForwardedUnchanged(await ReadFramesAsync(inbound, 200), UpperSsrc);

        // setup active: the upper platform connects to the port we answer.
        var listening = await Server.Api.DataAsync("/api/v1/gb28181/forward", new { source = id, ssrc = UpperSsrc + 1, setup = "active" });
        using var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await outbound.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listening.GetProperty("port").GetInt32()), Ct);
        relay.AssertForwardedUnchanged(await ReadFramesAsync(outbound, 200), UpperSsrc + 1);

        // Closing a forward's sink ends its connection.
        await Server.Api.DataAsync("/api/v1/sink/close", new { source = id, sink = dialled.GetProperty("sink").GetString() });
        var rest = new byte[65536];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (await inbound.ReceiveAsync(rest, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Ended too, if less politely than with a FIN.
        }

        // The platform hanging up ends the other forward.
        string other = listening.GetProperty("sink").GetString()!;
        outbound.Close();
        await Server.Api.WaitForAsync("/api/v1/sink/list", s => s.EnumerateArray().All(x => x.GetProperty("id").GetString() != other), "the forward to end with its platform", body: new { source = id });
        await Server.Api.DataAsync("/api/v1/source/close", new { source = id });
    }

    [Fact]
    public async Task Forward_of_an_unknown_source_is_refused_with_lkms_error()
    {
        Assert.Equal("cascade/none 源不存在", await Server.FailAsync("/api/v1/gb28181/forward", new { source = "cascade/none", addr = "127.0.0.1:9", ssrc = 1 }));
        await Server.CreateAsync("cascade/bad-addr", "udp", 3);
        Assert.Contains("addr must be ip:port", await Server.FailAsync("/api/v1/gb28181/forward", new { source = "cascade/bad-addr", addr = "nowhere", ssrc = 1 }), StringComparison.Ordinal);
        await Server.Api.DataAsync("/api/v1/source/close", new { source = "cascade/bad-addr" });
    }

    private static async Task<EndPoint> ReceiveFromAsync(Socket socket)
    {
        var buffer = new byte[65536];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return result.RemoteEndPoint;
    }

    private static async Task<List<byte[]>> ReadFramesAsync(Socket socket, int count)
    {
        var frames = new List<byte[]>();
        var prefix = new byte[2];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (frames.Count < count)
        {
            await ReadExactlyAsync(socket, prefix, timeout.Token);
            var packet = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
            await ReadExactlyAsync(socket, packet, timeout.Token);
            frames.Add(packet);
        }

        return frames;
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct);
            Assert.True(n > 0, "the forward's connection ended");
            read += n;
        }
    }

    /// <summary>Sits between the camera and the server: records every datagram the device sends, then passes it on.</summary>
    private sealed class RecordingRelay : IAsyncDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly ConcurrentDictionary<ushort, byte[]> _sent = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public RecordingRelay(int serverPort)
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _loop = RunAsync(new IPEndPoint(IPAddress.Loopback, serverPort));
        }

        public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

        /// <summary>Each forwarded packet is a recorded one with only the SSRC changed (same header otherwise, same PS payload).</summary>
        public void AssertForwardedUnchanged(List<byte[]> forwarded, uint ssrc)
        {
            Assert.NotEmpty(forwarded);
            int compared = 0;
            foreach (var packet in forwarded)
            {
                Assert.True(RtpHeader.TryParse(packet, out var header, out _, out _), "a forwarded packet is not RTP");
                Assert.Equal(ssrc, header.Ssrc);
                Assert.True(_sent.TryGetValue(header.SequenceNumber, out var original), $"sequence {header.SequenceNumber} was never sent by the device");
                var expected = (byte[])original.Clone();
                BinaryPrimitives.WriteUInt32BigEndian(expected.AsSpan(8), ssrc);
                Assert.Equal(expected, packet);
                compared++;
            }

            Assert.Equal(forwarded.Count, compared);
        }

        private async Task RunAsync(IPEndPoint server)
        {
            var buffer = new byte[65536];
            try
            {
                while (true)
                {
                    int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    var copy = buffer.AsSpan(0, n).ToArray();
                    if (RtpHeader.TryParse(copy, out var header, out _, out _))
                    {
                        _sent[header.SequenceNumber] = copy; // sequence numbers wrap after 65536 packets: far beyond a test
                    }

                    await _socket.SendToAsync(copy, SocketFlags.None, server, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
