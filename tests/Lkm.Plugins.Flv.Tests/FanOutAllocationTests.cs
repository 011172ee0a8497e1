using System.Net.Sockets;
using System.Text;
using Lkm.Plugins.Flv.Tests.Support;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Testing.Sinks;

namespace Lkm.Plugins.Flv.Tests;

/// <summary>
/// A segment reaches every HTTP-FLV / WS-FLV player with no allocation per player: the players' writes are
/// gather sends of the shared segment (plus a per-player chunk or frame header), not copies into per-player
/// buffers. Counted over all threads, so this runs alone.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class FanOutAllocationTests
{
    private const int Players = 64;
    private const int SegmentLength = 4096;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("flv", 8)] // "1000\r\n" before, "\r\n" after each 4096-byte chunk
    [InlineData("ws-flv", 4)] // binary frame header with a 16-bit length
    public async Task FanOutToPlayersAllocatesNothingPerPlayer(string protocol, int framingBytes)
    {
        double perPlayer = await MeasureAsync(protocol, framingBytes, directSend: true);

        // Nothing per player; the allowance is for the round's one Segment object (56 B shared by all) and what the
        // process does meanwhile (timers, Kestrel's heartbeat).
        Assert.True(perPlayer < 4, $"{perPlayer:0.0} bytes allocated per player per segment");
    }

    private static async Task<double> MeasureAsync(string protocol, int framingBytes, bool directSend)
    {
        var header = Segment.CopyOf(Encoding.ASCII.GetBytes("FLV\x01\x05\0\0\0\x09\0\0\0\0"));
        var hub = new TestHub { Content = [header] }; // each player starts: its response head and the FLV header go out
        await using var server = await FlvTestServer.StartAsync(hub, FlvTestServer.Options(directSend));
        var sinks = new List<ISink>();
        var players = new List<SocketByteCounter>();
        try
        {
            for (int i = 0; i < Players; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port, TestContext.Current.CancellationToken);
                await socket.SendAsync(Encoding.ASCII.GetBytes(RequestFor(protocol, i)), TestContext.Current.CancellationToken);
                var play = await hub.NextPlayAsync();
                Assert.Equal(protocol, play.Sink.Protocol);
                sinks.Add(play.Sink);
                players.Add(new SocketByteCounter(socket));
            }

            return FanOutAllocation.BytesPerPlayerPerSegment(sinks, players, SegmentLength, framingBytes, rounds: 400, Timeout);
        }
        finally
        {
            foreach (var player in players)
            {
                player.Dispose();
            }

            header.Release();
        }
    }

    private static string RequestFor(string protocol, int index) => protocol == "flv"
        ? "GET /live/a.flv HTTP/1.1\r\nHost: x\r\n\r\n"
        : $"GET /live/a.flv HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Convert.ToBase64String(BitConverter.GetBytes((long)index).Concat(new byte[8]).ToArray())}\r\n\r\n";
}
