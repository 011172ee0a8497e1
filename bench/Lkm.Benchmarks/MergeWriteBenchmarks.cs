using BenchmarkDotNet.Attributes;
using Lkm.Benchmarks.Media;
using Lkm.Plugins.Flv;
using Lkm.Plugins.Rtmp.Streaming;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Benchmarks;

/// <summary>
/// Merge-write segment build: one operation = the packets of one 350 ms window of the 1 Mbit/s stream (about
/// 9 video + 15 audio frames, ~44 KB; a keyframe window ~70 KB) written through a trans stream with
/// merge_write 350 ms, so each operation completes about one segment. The completed segments are released
/// at once (as if no player held them). 14 s of media (seven 2 s GOPs, 40 windows) are cycled with
/// shifted timestamps.
/// </summary>
[MemoryDiagnoser]
public class MergeWriteBenchmarks
{
    private const int WindowMs = 350;
    private const int SequenceMs = 14_000;
    private readonly List<Segment> _completed = [];
    private List<MediaPacket> _packets = [];
    private int[] _windowStarts = [];
    private FlvTransStream _flv = null!;
    private RtmpTransStream _rtmp = null!;
    private Lap _flvLap;
    private Lap _rtmpLap;

    [GlobalSetup]
    public void Setup()
    {
        _packets = SyntheticMedia.Generate(SequenceMs, gopMs: 2000);

        // Index of the first packet of each window, plus the end.
        var starts = new List<int>();
        for (int i = 0; i < _packets.Count; i++)
        {
            if (starts.Count == 0 || _packets[i].Dts >= (long)starts.Count * WindowMs)
            {
                starts.Add(i);
            }
        }

        starts.Add(_packets.Count);
        _windowStarts = [.. starts];
        var context = new TransStreamContext
        {
            StreamId = "live/bench",
            Tracks = [SyntheticMedia.Video(), SyntheticMedia.Audio()],
            MergeWriteMs = WindowMs,
        };
        _flv = new FlvTransStream(context);
        _rtmp = new RtmpTransStream(context, chunkSize: 4096);
        Console.WriteLine($"// {_windowStarts.Length - 1} windows of {WindowMs} ms, {_packets.Count} packets, {SyntheticMedia.TotalBytes(_packets)} payload bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _flv.Dispose();
        _rtmp.Dispose();
        SyntheticMedia.Release(_packets);
    }

    [Benchmark]
    public int Flv_OneWindow() => WriteWindow(_flv, ref _flvLap);

    [Benchmark]
    public int Rtmp_OneWindow() => WriteWindow(_rtmp, ref _rtmpLap);

    private int WriteWindow(ITransStream trans, ref Lap lap)
    {
        int from = _windowStarts[lap.Window];
        int to = _windowStarts[lap.Window + 1];
        for (int i = from; i < to; i++)
        {
            var packet = _packets[i];
            trans.Write(packet.WithTimestamps(packet.Dts + lap.Offset, packet.Pts + lap.Offset), _completed);
        }

        if (++lap.Window == _windowStarts.Length - 1)
        {
            lap.Window = 0;
            lap.Offset += SequenceMs;
        }

        int bytes = 0;
        for (int i = 0; i < _completed.Count; i++)
        {
            bytes += _completed[i].Length;
            _completed[i].Release();
        }

        _completed.Clear();
        return bytes;
    }

    private struct Lap
    {
        public int Window;
        public long Offset;
    }
}
