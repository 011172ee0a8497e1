using System.Buffers.Binary;
using System.Collections.Concurrent;
using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Tests.Streaming;

/// <summary>A trans stream that writes each packet as 10 bytes: 'P', track, dts (8 bytes BE); header = "HDR".</summary>
internal sealed class TestTransStream : ITransStream
{
    private readonly MergeWriteBuffer _merge;
    private IReadOnlyList<MediaTrack> _tracks;

    public TestTransStream(TransStreamContext context)
    {
        _tracks = context.Tracks;
        _merge = new MergeWriteBuffer(context.MergeWriteMs, context.Tracks.Any(t => t.MediaType == MediaType.Video));
        Header = Segment.CopyOf("HDR"u8);
    }

    public Segment Header { get; private set; }

    public int HeaderVersion { get; private set; }

    public void Write(in MediaPacket packet, List<Segment> completed)
    {
        var w = _merge.BeginFrame(packet, _tracks[packet.TrackIndex].MediaType, completed);
        var span = w.GetSpan(10);
        span[0] = (byte)'P';
        span[1] = (byte)packet.TrackIndex;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], packet.Dts);
        w.Advance(10);
        _merge.EndFrame(completed);
    }

    public Segment? Flush() => _merge.Flush();

    public void OnTracksChanged(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, List<Segment> completed)
    {
        _tracks = tracks;
        if (Flush() is { } s)
        {
            completed.Add(s);
        }

        _merge.HasVideo = tracks.Any(t => t.MediaType == MediaType.Video);
        Header.Release();
        Header = Segment.CopyOf("HDR"u8);
        HeaderVersion++;
    }

    public void Dispose()
    {
        _merge.Dispose();
        Header.Release();
    }
}

internal sealed class TestTransStreamFactory : ITransStreamFactory
{
    public string Protocol => "test";

    public ITransStream Create(TransStreamContext context) => new TestTransStream(context);
}

/// <summary>A player that records what it is sent; it can be stalled to look like a player that stopped reading.</summary>
internal sealed class RecordingSink : SinkBase
{
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly TaskCompletionSource _unstall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _stalled;

    public RecordingSink(bool stalled = false)
        : base("test", "test", null)
    {
        _stalled = stalled;
        Run = RunAsync();
    }

    public Task Run { get; }

    public IReadOnlyList<byte[]> Received => _received.ToList();

    /// <summary>The dts of every media frame received, in order.</summary>
    public List<long> FrameDts()
    {
        var result = new List<long>();
        foreach (var bytes in _received)
        {
            for (int i = 0; i + 10 <= bytes.Length && bytes[i] == 'P'; i += 10)
            {
                result.Add(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(i + 2)));
            }
        }

        return result;
    }

    protected override async ValueTask WriteAsync(IReadOnlyList<Segment> segments, CancellationToken cancellationToken)
    {
        if (_stalled)
        {
            await _unstall.Task.WaitAsync(cancellationToken);
        }

        foreach (var s in segments)
        {
            _received.Enqueue(s.Memory.ToArray());
        }
    }
}

internal static class Media
{
    public static readonly MediaTrack Video = new() { Codec = CodecId.H264, Width = 640, Height = 360, CodecConfig = new byte[] { 1, 2, 3 } };

    public static readonly MediaTrack Audio = new() { Codec = CodecId.Aac, SampleRate = 44100, Channels = 2, CodecConfig = new byte[] { 0x12, 0x10 } };

    public static void WriteFrame(IPublisher publisher, int track, long dts, bool key)
    {
        var buffer = PooledBuffer.CopyOf(new byte[] { 0, 0, 0, 1, (byte)(key ? 0x65 : 0x41) });
        publisher.Write(new MediaPacket(track, dts, dts, key, buffer));
        buffer.Release();
    }

    public static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutMs = 3000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for: " + what);
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Hooks answered by a test function; every call recorded.</summary>
internal sealed class ScriptedHooks : IStreamHooks
{
    public Func<HookEvent, HookContext, HookDecision> Answer { get; set; } = (_, _) => new HookDecision(true, null, false);

    public ConcurrentQueue<(HookEvent Event, HookContext Context)> Calls { get; } = new();

    public Task<HookDecision> DecideAsync(StreamPolicy policy, HookEvent hookEvent, HookContext context, CancellationToken cancellationToken)
    {
        Calls.Enqueue((hookEvent, context));
        return Task.FromResult(Answer(hookEvent, context));
    }

    public void Notify(StreamPolicy policy, HookEvent hookEvent, HookContext context) => Calls.Enqueue((hookEvent, context));
}
