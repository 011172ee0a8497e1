using System.Net;
using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Session;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Tests.Session;

/// <summary>The sink's writes over a real loopback socket: every queued byte arrives, in order.</summary>
public class RtmpSinkTests
{
    [Theory]
    [InlineData(1)]   // steady state: one merge-write segment per wake-up
    [InlineData(3)]   // one gather write
    [InlineData(29)]  // a GOP replay: several gather writes of a bounded list
    public async Task Queued_segments_arrive_in_order(int count)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
        var server = await listener.AcceptAsync(TestContext.Current.CancellationToken);

        var sink = new RtmpSink(server, server.RemoteEndPoint);
        var expected = new List<byte>();
        var random = new Random(count);
        for (int i = 0; i < count; i++)
        {
            var bytes = new byte[random.Next(1, 70_000)];
            random.NextBytes(bytes);
            expected.AddRange(bytes);
            var segment = Segment.CopyOf(bytes);
            Assert.True(sink.TrySend(segment, SinkQueueLimits.Default));
            segment.Release();
        }

        var run = sink.RunAsync();
        var received = new byte[expected.Count];
        int total = 0;
        while (total < received.Length)
        {
            int n = await client.ReceiveAsync(received.AsMemory(total), SocketFlags.None, TestContext.Current.CancellationToken);
            Assert.NotEqual(0, n);
            total += n;
        }

        Assert.Equal(expected.ToArray(), received);
        sink.Close("test over");
        await run.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(expected.Count, sink.BytesSent);
        Assert.Equal(0, sink.QueuedBytes);
    }
}
