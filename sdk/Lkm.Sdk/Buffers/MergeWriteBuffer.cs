using System.Buffers;
using Lkm.Sdk.Media;

namespace Lkm.Sdk.Buffers;

/// <summary>
/// The merge-write policy of a trans stream: muxed frames accumulate into one segment until the
/// window (ms of media) is full; a video keyframe always starts a new segment so players can join
/// there. With a window of 0 every frame is its own segment (lowest latency).
/// </summary>
public sealed class MergeWriteBuffer : IDisposable
{
    private readonly SegmentBuilder _builder = new();
    private readonly int _windowMs;

    /// <summary>A buffer with a window of <paramref name="windowMs"/> milliseconds of media (negative reads as 0); <paramref name="hasVideo"/> sets <see cref="HasVideo"/>.</summary>
    public MergeWriteBuffer(int windowMs, bool hasVideo)
    {
        _windowMs = Math.Max(0, windowMs);
        HasVideo = hasVideo;
    }

    /// <summary>When false (audio-only stream) every segment is a valid starting point for a player.</summary>
    public bool HasVideo { get; set; }

    /// <summary>
    /// Starts a frame: completes the pending segment into <paramref name="completed"/> when needed and
    /// returns the writer to mux the frame into.
    /// </summary>
    public IBufferWriter<byte> BeginFrame(in MediaPacket packet, MediaType mediaType, List<Segment> completed)
    {
        bool startsGop = !HasVideo || (mediaType == MediaType.Video && packet.IsKeyFrame);
        bool isVideoKey = mediaType == MediaType.Video && packet.IsKeyFrame;
        if (_builder.HasMedia && (isVideoKey || packet.Dts - _builder.StartDts >= _windowMs))
        {
            completed.Add(_builder.Complete());
        }

        // In-band non-media bytes written before this frame (e.g. a new sequence header) stay in front of it.
        _builder.MarkFrame(packet.Dts, startsGop);
        return _builder;
    }

    /// <summary>Ends a frame; with merge-write off the frame leaves as its own segment.</summary>
    public void EndFrame(List<Segment> completed)
    {
        if (_windowMs == 0)
        {
            completed.Add(_builder.Complete());
        }
    }

    /// <summary>Writer for non-media bytes that must go out in-band before the next frame (e.g. new codec headers).</summary>
    public IBufferWriter<byte> InBand => _builder;

    /// <summary>Completes the pending segment, if any; the caller owns the one reference of the returned segment.</summary>
    public Segment? Flush() => _builder.IsEmpty ? null : _builder.Complete();

    /// <summary>Returns the pending array to the pool; segments already completed are not affected.</summary>
    public void Dispose() => _builder.Dispose();
}
