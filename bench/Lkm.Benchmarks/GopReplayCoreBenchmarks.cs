using BenchmarkDotNet.Attributes;
using Lkm.Benchmarks.Media;
using Lkm.Plugins.Flv;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Benchmarks;

/// <summary>
/// The synchronous core of a GOP replay: what the source's loop does for a joining player once the trans stream
/// exists — <c>TrySend</c> of the header and of each cached GOP segment into the player's queue (a reference
/// each, no copy). One operation = one fresh player (never used before) getting header + GOP. The players are
/// made before, and closed and drained after, each iteration, so neither is measured. The segments come from a
/// standalone <see cref="FlvTransStream"/> fed the same 2 s GOP as <see cref="GopReplayBenchmarks"/>, because
/// the hub's per-source state is internal.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(Players)]
public class GopReplayCoreBenchmarks
{
    private const int Players = 4096;
    private readonly List<Segment> _gop = [];
    private readonly CountingSink[] _sinks = new CountingSink[Players];
    private FlvTransStream _trans = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _trans = new FlvTransStream(new TransStreamContext
        {
            StreamId = "live/bench",
            Tracks = [SyntheticMedia.Video(), SyntheticMedia.Audio()],
            MergeWriteMs = 350,
        });
        var packets = SyntheticMedia.Generate(2000, gopMs: 2000);
        foreach (var packet in packets)
        {
            _trans.Write(packet, _gop);
        }

        if (_trans.Flush() is { } pending)
        {
            _gop.Add(pending);
        }

        SyntheticMedia.Release(packets);
        Console.WriteLine($"// replay: header {_trans.Header.Length} bytes + {_gop.Count} segments, {_gop.Sum(s => (long)s.Length)} bytes");
    }

    [IterationSetup]
    public void MakePlayers()
    {
        for (int i = 0; i < Players; i++)
        {
            _sinks[i] = new CountingSink(long.MaxValue);
        }

        _next = 0;
    }

    [IterationCleanup]
    public void DropPlayers()
    {
        for (int i = 0; i < Players; i++)
        {
            _sinks[i].Close("iteration finished");
            _sinks[i].RunAsync().GetAwaiter().GetResult(); // closed before it ran: it only releases what is queued
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var segment in _gop)
        {
            if (segment.RefCount != 1)
            {
                throw new InvalidOperationException($"a GOP segment has {segment.RefCount} references left: the replay leaks");
            }

            segment.Release();
        }

        _trans.Dispose();
    }

    [Benchmark]
    public bool TrySend_HeaderAndGop()
    {
        var sink = _sinks[_next++];
        bool ok = sink.TrySend(_trans.Header, SinkQueueLimits.Default);
        for (int i = 0; i < _gop.Count; i++)
        {
            ok &= sink.TrySend(_gop[i], SinkQueueLimits.Default);
        }

        return ok;
    }
}
