using Lkm.Plugins.Rtmp.Session;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
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
        double perPlayer = await FanOutAllocation.OnLoopbackAsync(
            socket => new RtmpSink(socket, socket.RemoteEndPoint), Players, segmentLength: 4096, rounds: 300, TestContext.Current.CancellationToken);

        // The allowance is for the round's one shared Segment object and what the process does meanwhile.
        Assert.True(perPlayer < 4, $"{perPlayer:0.0} bytes allocated per player per segment");
    }
}
