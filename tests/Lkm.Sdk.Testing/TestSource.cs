using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Testing;

/// <summary>
/// Plays recorded packets to one sink the way the host's source loop does: a trans stream from the
/// plugin's factory, its header first, then the segments it completes, then the flushed rest.
/// </summary>
/// <param name="tracks">The stream's tracks (indexed as a publisher indexed them).</param>
/// <param name="metadata">The stream's metadata.</param>
/// <param name="packets">The packets to play, in order.</param>
public sealed class TestSource(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, IReadOnlyList<RecordedPacket> packets)
{
    /// <summary>The merge-write window given to the trans stream (ms of media per segment; 0 = per frame).</summary>
    public int MergeWriteMs { get; init; } = 350;

    /// <summary>The stream id given to the trans stream.</summary>
    public string StreamId { get; init; } = "test";

    /// <summary>Queue bounds passed on every send (default <see cref="SinkQueueLimits.Default"/>).</summary>
    public SinkQueueLimits Limits { get; init; } = SinkQueueLimits.Default;

    /// <summary>A source of what <paramref name="publisher"/> recorded.</summary>
    public static TestSource Of(RecordingPublisher publisher) =>
        new(publisher.Tracks, publisher.Metadata ?? StreamMetadata.Empty, publisher.Packets);

    /// <summary>
    /// Queues everything on <paramref name="sink"/> (a sink that refuses a segment is closed); when
    /// <paramref name="closeWhenSent"/>, closes it once its queue drained. Dispose the handle to wait for that close.
    /// </summary>
    public IAsyncDisposable Attach(ITransStreamFactory factory, ISink sink, bool closeWhenSent)
    {
        foreach (var segment in Mux(factory))
        {
            TestHub.Send(sink, segment, Limits);
            segment.Release();
        }

        var closer = closeWhenSent ? Task.Run(() => CloseWhenDrainedAsync(sink)) : Task.CompletedTask;
        return new Handle(closer);
    }

    /// <summary>
    /// Muxes the packets with a trans stream from <paramref name="factory"/>: the header (retained for the caller),
    /// then every completed segment and the flushed rest. The caller releases each segment.
    /// </summary>
    public IReadOnlyList<Segment> Mux(ITransStreamFactory factory)
    {
        using var transStream = factory.Create(new TransStreamContext { StreamId = StreamId, Tracks = tracks, Metadata = metadata, MergeWriteMs = MergeWriteMs });
        var header = transStream.Header;
        header.Retain();
        var output = new List<Segment> { header };
        var completed = new List<Segment>();
        foreach (var recorded in packets)
        {
            var packet = new MediaPacket(recorded.TrackIndex, recorded.Dts, recorded.Pts, recorded.IsKeyFrame, PooledBuffer.CopyOf(recorded.Data));
            transStream.Write(packet, completed);
            packet.Release();
            output.AddRange(completed);
            completed.Clear();
        }

        if (transStream.Flush() is { } last)
        {
            output.Add(last);
        }

        return output;
    }

    private static async Task CloseWhenDrainedAsync(ISink sink)
    {
        await SinkDrain.WaitAsync(sink, TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        sink.Close("end of test stream");
    }

    private sealed class Handle(Task closer) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(closer);
    }
}
