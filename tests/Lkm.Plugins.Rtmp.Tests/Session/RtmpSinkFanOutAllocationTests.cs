using Lkm.Plugins.Rtmp.Session;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing.Sinks;

namespace Lkm.Plugins.Rtmp.Tests.Session;

/// <summary>A segment reaches every RTMP player with no allocation per player (one gather send of the shared bytes each).</summary>
[Collection(AllocationCollection.Name)]
public sealed class RtmpSinkFanOutAllocationTests
{
    private const int Players = 64;

    [Fact]
    public async Task FanOutToPlayersAllocatesNothingPerPlayer()
    {
        var sinks = new List<ISink>();
        var loops = new List<Task>();
        var players = new List<SocketByteCounter>();
        try
        {
            for (int i = 0; i < Players; i++)
            {
                var (server, client) = await LoopbackSocketPair.CreateAsync(TestContext.Current.CancellationToken);
                var sink = new RtmpSink(server, server.RemoteEndPoint);
                sinks.Add(sink);
                loops.Add(sink.RunAsync());
                players.Add(new SocketByteCounter(client));
            }

            double perPlayer = FanOutAllocation.BytesPerPlayerPerSegment(sinks, players, segmentLength: 4096, framingBytes: 0, rounds: 300, TimeSpan.FromSeconds(20));

            // The allowance is for the round's one shared Segment object and what the process does meanwhile.
            Assert.True(perPlayer < 4, $"{perPlayer:0.0} bytes allocated per player per segment");
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Close("test over");
            }

            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            foreach (var player in players)
            {
                player.Dispose();
            }
        }
    }
}
