using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Benchmarks;

/// <summary>
/// A player with no transport: its writer loop only counts what it is given, and <see cref="Received"/>
/// completes once <c>expectedBytes</c> have been written. Lets a benchmark time the server side of a join.
/// </summary>
public sealed class CountingSink : SinkBase
{
    private readonly long _expectedBytes;
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;
    private int _segments;

    public CountingSink(long expectedBytes, string protocol = "flv", string transProtocol = "flv")
        : base(protocol, transProtocol, remoteEndPoint: null)
    {
        _expectedBytes = expectedBytes;
    }

    /// <summary>Completes when the expected bytes were written.</summary>
    public Task Received => _received.Task;

    public long BytesWritten => Interlocked.Read(ref _bytes);

    public int SegmentsWritten => Volatile.Read(ref _segments);

    protected override ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
    {
        long bytes = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            bytes += segments[i].Length;
        }

        Interlocked.Add(ref _segments, segments.Count);
        if (Interlocked.Add(ref _bytes, bytes) >= _expectedBytes)
        {
            _received.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }
}
