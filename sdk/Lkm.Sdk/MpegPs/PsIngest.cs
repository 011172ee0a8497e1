using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.MpegPs;

/// <summary>
/// Turns an MPEG-2 program stream (GB28181 devices' media) into tracks and packets for an <see cref="IPublisher"/>:
/// <see cref="PsDemuxer"/> frames through the shared <see cref="ElementaryStreamIngest"/> (H.264 / H.265, AAC ADTS,
/// G.711 A/µ-law; tracks in any order and late). Fed with the RTP payloads in sequence order; a sequence gap is told
/// with <see cref="MarkLoss"/> so no frame with missing bytes goes on. Never throws on bad input. Not thread safe.
/// </summary>
public sealed class PsIngest : IPsFrameReceiver, IDisposable
{
    private readonly IPublisher _publisher;
    private readonly ElementaryStreamIngest _es;

    /// <summary>An ingest feeding <paramref name="publisher"/>; tracks are complete after <paramref name="probeWindowMs"/> ms of media; a video frame over <paramref name="maxFrameSize"/> bytes is dropped.</summary>
    public PsIngest(IPublisher publisher, ILogger logger, int probeWindowMs = 3000, int maxFrameSize = PsDemuxer.DefaultMaxFrameSize)
    {
        _publisher = publisher;
        _es = new ElementaryStreamIngest(publisher, logger, "MPEG-PS", probeWindowMs);
        Demuxer = new PsDemuxer(this, maxFrameSize);
    }

    /// <summary>The demuxer and its counters (packs, resyncs, errors, dropped frames).</summary>
    public PsDemuxer Demuxer { get; }

    /// <summary>The elementary-stream side: tracks, dropped frames, time stamp jumps.</summary>
    public ElementaryStreamIngest Streams => _es;

    /// <summary>Reads program stream bytes in chunks of any size; counts them as received on the publisher.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        _publisher.AddBytesReceived(data.Length);
        Demuxer.Feed(data);
    }

    /// <summary>Input was lost: the frame it cut is dropped and reading starts again at the next pack.</summary>
    public void MarkLoss() => Demuxer.MarkLoss();

    /// <summary>Hands on the video frame being joined (e.g. at an RTP marker bit, or when the input ends).</summary>
    public void Flush() => Demuxer.Flush();

    /// <summary>Returns the demuxer's buffers to the pool.</summary>
    public void Dispose() => Demuxer.Dispose();

    void IPsFrameReceiver.OnFrame(in PsFrame frame)
    {
        var (dts, pts) = _es.Timestamps(frame.Dts, frame.Pts);
        switch (frame.StreamType)
        {
            case PsStreamType.H264:
                _es.WriteVideo(CodecId.H264, dts, pts, frame.Data);
                break;
            case PsStreamType.H265:
                _es.WriteVideo(CodecId.H265, dts, pts, frame.Data);
                break;
            case PsStreamType.AacAdts:
                _es.WriteAudio(CodecId.Aac, dts, frame.Data);
                break;
            case PsStreamType.G711A:
                _es.WriteAudio(CodecId.G711A, dts, frame.Data);
                break;
            case PsStreamType.G711U:
                _es.WriteAudio(CodecId.G711U, dts, frame.Data);
                break;
        }
    }
}
