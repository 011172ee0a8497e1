using System.Net;
using System.Net.Sockets;
using Lkm.Host.Networking;
using Lkm.Host.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Host.Tests.Networking;

/// <summary>
/// A host-owned UDP port's receive loop allocates nothing per datagram (GB28181 and MPEG-TS over UDP take thousands
/// a second per source): counted over every thread, in the quietest of a few batches.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class UdpListenerAllocationTests
{
    private const int Batch = 2000;

    [Fact]
    public async Task Receiving_a_datagram_allocates_nothing()
    {
        long received = 0;
        await using var listener = new UdpListenerService("alloc", new IPEndPoint(IPAddress.Loopback, 0), (datagram, _, _) =>
        {
            Interlocked.Add(ref received, datagram.Length);
            return ValueTask.CompletedTask;
        }, null, NullLogger.Instance, CancellationToken.None);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Connect(listener.EndPoint);
        var payload = new byte[1400];

        // Warm-up: the first receives set up the socket's pooled state.
        Send(sender, payload, Batch, ref received);

        double quietest = double.MaxValue;
        for (int round = 0; round < 4; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            Send(sender, payload, Batch, ref received);
            quietest = Math.Min(quietest, (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Batch);
        }

        Assert.True(quietest < 8, $"{quietest:0.0} bytes allocated per datagram");
    }

    /// <summary>Sends <paramref name="count"/> datagrams, pacing so none is dropped, and waits until all arrived.</summary>
    private static void Send(Socket sender, byte[] payload, int count, ref long received)
    {
        long expected = Volatile.Read(ref received) + ((long)count * payload.Length);
        for (int i = 0; i < count; i++)
        {
            sender.Send(payload);
            if (i % 50 == 49)
            {
                while (Volatile.Read(ref received) < expected - ((long)(count - i - 1) * payload.Length) - (payload.Length * 10L))
                {
                    Thread.SpinWait(100);
                }
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref received) < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, "datagrams were lost on loopback");
            Thread.Sleep(1);
        }
    }
}
