using BenchmarkDotNet.Attributes;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Rtp;

namespace Lkm.Benchmarks;

/// <summary>
/// RTP ingest over UDP as a GB28181 session does it: <see cref="RtpHeader.TryParse(ReadOnlySpan{byte}, out RtpHeader, out int, out int)"/>
/// of each datagram, then <see cref="RtpReorderBuffer"/> (window 64) and popping in order. One operation =
/// <see cref="PacketsPerOperation"/> packets of 1,400 bytes, reported per packet (packets/s = 10⁹ / ns).
/// <c>Reordered</c>: every fourth pair arrives swapped and one packet in 50 comes 5 places late. The pooled
/// buffers are reused across operations (a retain per push, a release per pop), so what is measured is the
/// parse and the reorder, not the socket receive or the rent of the buffer.
/// </summary>
[MemoryDiagnoser]
public class RtpBenchmarks
{
    /// <summary>Packets in one operation.</summary>
    public const int PacketsPerOperation = 1024;

    private const int PacketLength = 1400;
    private PooledBuffer[] _buffers = [];
    private RtpReorderBuffer _reorder = null!;
    private ushort _sequenceBase;

    [Params(false, true)]
    public bool Reordered { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var order = Enumerable.Range(0, PacketsPerOperation).ToArray();
        if (Reordered)
        {
            for (int i = 0; i + 1 < order.Length; i += 8)
            {
                (order[i], order[i + 1]) = (order[i + 1], order[i]);
            }

            for (int i = 20; i + 5 < order.Length; i += 50)
            {
                int late = order[i];
                Array.Copy(order, i + 1, order, i, 5);
                order[i + 5] = late;
            }
        }

        _buffers = new PooledBuffer[PacketsPerOperation];
        for (int i = 0; i < PacketsPerOperation; i++)
        {
            _buffers[i] = PooledBuffer.Rent(PacketLength);
            _buffers[i].Span.Clear();
            new RtpHeader(96, (ushort)order[i], 3600u * (uint)(order[i] / 10), 0x0BEBC201, marker: order[i] % 10 == 9).Write(_buffers[i].Span);
        }

        _reorder = new RtpReorderBuffer(RtpReorderBuffer.DefaultCapacity);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reorder.Dispose();
        foreach (var buffer in _buffers)
        {
            buffer.Release();
        }
    }

    /// <summary>Header parse alone.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerOperation)]
    public long Parse()
    {
        long payload = 0;
        foreach (var buffer in _buffers)
        {
            if (RtpHeader.TryParse(buffer.Span, out _, out _, out int length))
            {
                payload += length;
            }
        }

        return payload;
    }

    /// <summary>Parse, push, pop in order: the whole per-datagram path.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerOperation)]
    public long ParseAndReorder()
    {
        long popped = 0;
        ushort sequenceBase = _sequenceBase;
        foreach (var buffer in _buffers)
        {
            if (!RtpHeader.TryParse(buffer.Span, out var header, out int offset, out int length))
            {
                continue;
            }

            // Each operation continues the sequence where the last one ended, as a live stream does.
            buffer.Retain();
            _reorder.Push(new RtpPacket(buffer, header with { SequenceNumber = (ushort)(header.SequenceNumber + sequenceBase) }, offset, length));
            while (_reorder.TryPop(out var packet))
            {
                popped += packet.PayloadLength;
                packet.Release();
            }
        }

        _sequenceBase = (ushort)(sequenceBase + PacketsPerOperation);
        return popped;
    }
}
