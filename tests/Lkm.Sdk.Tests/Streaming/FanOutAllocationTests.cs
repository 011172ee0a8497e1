using System.Net.Sockets;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Streaming;
using Lkm.Sdk.Testing.Sinks;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Streaming;

/// <summary>
/// The fan-out meter the outputs' allocation tests rely on: it finds nothing per player for a sink that writes
/// the shared segment as it is (<see cref="SocketSegmentSender"/>), and the copy for a sink that copies it.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class FanOutAllocationTests
{
    private const int Players = 32;
    private const int SegmentLength = 4096;

    [Fact]
    public async Task GatherWritesOfTheSharedSegmentAllocateNothingPerPlayer()
    {
        double perPlayer = await MeasureAsync(socket => new GatherSink(socket));
        Assert.True(perPlayer < 4, $"{perPlayer:0.0} bytes allocated per player per segment");
    }

    [Fact]
    public async Task ACopyPerPlayerIsSeen()
    {
        double perPlayer = await MeasureAsync(socket => new CopyingSink(socket));
        Assert.True(perPlayer >= SegmentLength, $"{perPlayer:0.0} bytes allocated per player per segment");
    }

    private static Task<double> MeasureAsync(Func<Socket, SinkBase> createSink) =>
        FanOutAllocation.OnLoopbackAsync(createSink, Players, SegmentLength, rounds: 300, TestContext.Current.CancellationToken);

    private sealed class GatherSink(Socket socket) : SinkBase("test", "test", null)
    {
        private readonly SocketSegmentSender _sender = new(socket);

        protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken) => _sender.SendAsync(segments);

        protected override void OnClosed(string reason)
        {
            socket.Dispose();
            _sender.Dispose();
        }
    }

    private sealed class CopyingSink(Socket socket) : SinkBase("test", "test", null)
    {
        protected override async ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
        {
            for (int i = 0; i < segments.Count; i++)
            {
                byte[] copy = segments[i].Memory.ToArray();
                await socket.SendAsync(copy, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override void OnClosed(string reason) => socket.Dispose();
    }
}
