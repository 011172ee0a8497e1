using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

/// <summary>
/// Plays recorded packets to one sink the way the host's source loop does: a trans stream from the
/// plugin's factory, its header first, then the segments it completes.
/// </summary>
internal sealed class TestSource(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, IReadOnlyList<RecordedPacket> packets)
{
    public int MergeWriteMs { get; init; } = 350;

    /// <summary>Queues everything on the sink; when <paramref name="closeWhenSent"/>, closes it once its queue drained.</summary>
    public IAsyncDisposable Attach(ITransStreamFactory factory, ISink sink, bool closeWhenSent)
    {
        using var transStream = factory.Create(new TransStreamContext { StreamId = "test", Tracks = tracks, Metadata = metadata, MergeWriteMs = MergeWriteMs });
        var completed = new List<Segment>();
        Send(sink, transStream.Header);
        foreach (var recorded in packets)
        {
            var packet = new MediaPacket(recorded.TrackIndex, recorded.Dts, recorded.Pts, recorded.IsKeyFrame, PooledBuffer.CopyOf(recorded.Data));
            transStream.Write(packet, completed);
            packet.Release();
            SendAll(sink, completed);
        }

        if (transStream.Flush() is { } last)
        {
            Send(sink, last);
            last.Release();
        }

        var closer = closeWhenSent ? Task.Run(() => CloseWhenDrainedAsync(sink)) : Task.CompletedTask;
        return new Handle(closer);
    }

    private static void SendAll(ISink sink, List<Segment> segments)
    {
        foreach (var segment in segments)
        {
            Send(sink, segment);
            segment.Release();
        }

        segments.Clear();
    }

    private static void Send(ISink sink, Segment segment)
    {
        if (!sink.TrySend(segment, SinkQueueLimits.Default))
        {
            sink.Close("test source: queue full");
        }
    }

    private static async Task CloseWhenDrainedAsync(ISink sink)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sink is SinkBase { QueuedBytes: > 0 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(500);
        sink.Close("end of test stream");
    }

    private sealed class Handle(Task closer) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(closer);
    }
}
