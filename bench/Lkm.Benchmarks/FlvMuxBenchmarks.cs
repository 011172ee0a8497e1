using BenchmarkDotNet.Attributes;
using Lkm.Benchmarks.Media;
using Lkm.Plugins.Flv;
using Lkm.Plugins.Rtmp.Streaming;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Benchmarks;

/// <summary>
/// Muxing one frame. <c>FlvWriter_WriteMediaTag</c> is the bare tag write into a <see cref="SegmentBuilder"/>
/// (reset each time); <c>FlvTransStream_Write</c> / <c>RtmpTransStream_Write</c> are what a source does per
/// packet and per egress protocol, merge-write window 350 ms included: most calls append to the pending
/// segment, some complete it (a keyframe or a full window), and completed segments are released at once.
/// Timestamps advance by one frame interval per call.
/// </summary>
[MemoryDiagnoser]
public class FlvMuxBenchmarks
{
    private const int MergeWriteMs = 350;
    private readonly List<Segment> _completed = [];
    private List<MediaPacket> _packets = [];
    private MediaTrack _video = null!;
    private MediaTrack _audio = null!;
    private SegmentBuilder _builder = null!;
    private FlvTransStream _flv = null!;
    private RtmpTransStream _rtmp = null!;
    private PacketCursor _tagCursor = null!;
    private PacketCursor _flvCursor = null!;
    private PacketCursor _rtmpCursor = null!;

    [Params(FrameKind.Audio, FrameKind.InterFrame, FrameKind.KeyFrame, FrameKind.Mixed)]
    public FrameKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _video = SyntheticMedia.Video();
        _audio = SyntheticMedia.Audio();
        long lapMs;
        switch (Kind)
        {
            case FrameKind.Audio:
                _packets = [SyntheticMedia.AudioFrame(0, SyntheticMedia.AudioFrameBytes)];
                lapMs = 23;
                break;
            case FrameKind.InterFrame:
                _packets = [SyntheticMedia.VideoFrame(0, keyFrame: false, SyntheticMedia.InterFrameBytes)];
                lapMs = SyntheticMedia.VideoIntervalMs;
                break;
            case FrameKind.KeyFrame:
                _packets = [SyntheticMedia.VideoFrame(0, keyFrame: true, SyntheticMedia.KeyFrameBytes)];
                lapMs = SyntheticMedia.VideoIntervalMs;
                break;
            default:
                _packets = SyntheticMedia.Generate(durationMs: 2000, gopMs: 2000);
                lapMs = 2000;
                break;
        }

        _tagCursor = new PacketCursor(_packets, lapMs);
        _flvCursor = new PacketCursor(_packets, lapMs);
        _rtmpCursor = new PacketCursor(_packets, lapMs);
        _builder = new SegmentBuilder();
        var context = new TransStreamContext { StreamId = "live/bench", Tracks = [_video, _audio], MergeWriteMs = MergeWriteMs };
        _flv = (FlvTransStream)new FlvTransStreamFactory().Create(context);
        _rtmp = (RtmpTransStream)new RtmpTransStreamFactory(chunkSize: 4096).Create(context);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _flv.Dispose();
        _rtmp.Dispose();
        _builder.Dispose();
        SyntheticMedia.Release(_packets);
    }

    [Benchmark]
    public int FlvWriter_WriteMediaTag()
    {
        var packet = _tagCursor.Next();
        _builder.Reset();
        FlvWriter.WriteMediaTag(_builder, packet.TrackIndex == 0 ? _video : _audio, packet);
        return _builder.WrittenCount;
    }

    [Benchmark]
    public int FlvTransStream_Write()
    {
        _flv.Write(_flvCursor.Next(), _completed);
        return ReleaseCompleted();
    }

    [Benchmark]
    public int RtmpTransStream_Write()
    {
        _rtmp.Write(_rtmpCursor.Next(), _completed);
        return ReleaseCompleted();
    }

    private int ReleaseCompleted()
    {
        int bytes = 0;
        for (int i = 0; i < _completed.Count; i++)
        {
            bytes += _completed[i].Length;
            _completed[i].Release();
        }

        _completed.Clear();
        return bytes;
    }
}
