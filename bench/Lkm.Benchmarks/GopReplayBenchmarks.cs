using BenchmarkDotNet.Attributes;
using Lkm.Benchmarks.Media;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Plugins.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Benchmarks;

/// <summary>
/// GOP-cache replay to a new player, end to end through the hub's public API. A <see cref="StreamHub"/> with the
/// FLV output holds a live publisher whose last 2 s GOP (keyframe, 49 inter frames, 87 AAC frames, ~220 KB) sits
/// in the GOP cache, already muxed into merge-write segments by the FLV trans stream (one resident player keeps
/// that trans stream alive). <c>HubAttach_UntilGopReceived</c>: new sink, its writer loop started,
/// <c>PlayAsync</c>, wait until the writer loop was handed the header and every GOP segment, then leave. This
/// crosses two thread-pool hops (source event loop, sink writer loop), so it is latency as much as CPU;
/// <c>SinkLifecycle_NoReplay</c> is the sink's own part of it. The synchronous core is in
/// <see cref="GopReplayCoreBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class GopReplayBenchmarks
{
    private const string StreamId = "live/bench";
    private const int GopMs = 2000;
    private StreamHub _hub = null!;
    private IPublisher _publisher = null!;
    private CountingSink _resident = null!;
    private Task _residentRun = Task.CompletedTask;
    private IAsyncDisposable _residentHandle = null!;
    private PlayRequest _playRequest = null!;
    private long _expectedBytes;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var registry = new TransStreamRegistry();
        registry.Register(new FlvTransStreamFactory());
        var policy = new StreamPolicy
        {
            GopCache = true,
            MergeWriteMs = 350,
            ReceiveTimeout = TimeSpan.Zero, // no media arrives during the benchmark: the source must not time out
            IdleTimeout = TimeSpan.Zero,
        };
        _hub = new StreamHub(new LiveRoutes(RouteTable.Fixed(policy)), registry, NullLoggerFactory.Instance);
        _publisher = await _hub.PublishAsync(new PublishRequest { StreamId = StreamId, Protocol = "rtmp" });
        _publisher.AddTrack(SyntheticMedia.Video());
        _publisher.AddTrack(SyntheticMedia.Audio());
        _publisher.TracksComplete();

        var gop = SyntheticMedia.Generate(GopMs, gopMs: GopMs);
        foreach (var packet in gop)
        {
            _publisher.Write(packet);
        }

        await WaitUntilAsync(async () => (await _hub.DescribeAsync(StreamId))?.GopPackets == gop.Count, "the GOP cache to fill");

        // The first player creates the FLV trans stream (primed from the GOP cache) and keeps it alive.
        _playRequest = new PlayRequest { StreamId = StreamId, Protocol = "flv" };
        _resident = new CountingSink(long.MaxValue);
        _residentRun = _resident.RunAsync();
        _residentHandle = await _hub.PlayAsync(_playRequest, _resident);
        long seen = -1;
        await WaitUntilAsync(
            () =>
            {
                long now = _resident.BytesWritten;
                bool stable = now > 0 && now == seen;
                seen = now;
                return Task.FromResult(stable);
            },
            "the first player to get the GOP");
        _expectedBytes = _resident.BytesWritten;
        Console.WriteLine($"// GOP: {gop.Count} packets, {SyntheticMedia.TotalBytes(gop)} payload bytes; a joining player gets {_expectedBytes} bytes in {_resident.SegmentsWritten} segments");
        SyntheticMedia.Release(gop);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _residentHandle.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _resident.Close("benchmark finished");
        _residentRun.GetAwaiter().GetResult();
        _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _hub.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task HubAttach_UntilGopReceived()
    {
        var sink = new CountingSink(_expectedBytes);
        var run = sink.RunAsync();
        var handle = await _hub.PlayAsync(_playRequest, sink);
        await sink.Received;
        await handle.DisposeAsync();
        sink.Close("benchmark player leaves");
        await run;
    }

    /// <summary>The player object's own cost in the figure above: a sink whose writer loop starts, idles and is closed.</summary>
    [Benchmark]
    public async Task SinkLifecycle_NoReplay()
    {
        var sink = new CountingSink(long.MaxValue);
        var run = sink.RunAsync();
        sink.Close("benchmark player leaves");
        await run;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }
}
