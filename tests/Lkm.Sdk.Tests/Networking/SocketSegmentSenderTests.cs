using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Networking;

namespace Lkm.Sdk.Tests.Networking;

public sealed class SocketSegmentSenderTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<Segment> _segments = [];
    private Socket _sending = null!;
    private Socket _receiving = null!;

    public ValueTask InitializeAsync() => ConnectAsync(bufferSize: 0);

    /// <summary>
    /// A connected pair on loopback. Small buffers are set before the connection exists: shrinking a receive buffer
    /// of an established connection can leave data beyond the new window, which Linux then recovers with backed-off
    /// zero-window probes (seconds of stall, seen with Socket.SendAsync as well).
    /// </summary>
    private async ValueTask ConnectAsync(int bufferSize)
    {
        _sending?.Dispose();
        _receiving?.Dispose();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sending = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (bufferSize > 0)
        {
            listener.ReceiveBufferSize = bufferSize; // inherited by the accepted socket
            _sending.SendBufferSize = bufferSize;
        }

        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var accepting = listener.AcceptAsync(TestContext.Current.CancellationToken);
        await _sending.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
        _receiving = await accepting;
    }

    public ValueTask DisposeAsync()
    {
        _sending.Dispose();
        _receiving.Dispose();
        foreach (var segment in _segments)
        {
            segment.Release();
        }

        return ValueTask.CompletedTask;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private List<Segment> Segments(params byte[][] parts)
    {
        var segments = parts.Select(p => Segment.CopyOf(p)).ToList();
        _segments.AddRange(segments);
        return segments;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes, in reads of at most <paramref name="readSize"/>, pausing between them when asked.</summary>
    private async Task<byte[]> ReceiveAsync(int length, int readSize = 64 * 1024, int pauseEveryBytes = 0)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var received = new byte[length];
        int offset = 0;
        int sincePause = 0;
        while (offset < length)
        {
            int read = await _receiving.ReceiveAsync(received.AsMemory(offset, Math.Min(readSize, length - offset)), cts.Token);
            Assert.True(read > 0, $"the connection ended after {offset} of {length} bytes");
            offset += read;
            sincePause += read;
            if (pauseEveryBytes > 0 && sincePause >= pauseEveryBytes)
            {
                sincePause = 0;
                await Task.Delay(1, cts.Token);
            }
        }

        return received;
    }

    /// <summary>Nothing more than expected arrived: the next bytes are a marker sent afterwards.</summary>
    private async Task AssertNothingElseAsync(SocketSegmentSender sender)
    {
        byte[] marker = [0xA5, 0x5A];
        await sender.SendAsync(new ArraySegment<byte>(marker), [], default);
        Assert.Equal(marker, await ReceiveAsync(marker.Length));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(20)]
    public async Task PrefixSegmentsAndSuffixArriveInOrder(int count)
    {
        var parts = Enumerable.Range(0, count).Select(i => Bytes(1 + (i * 37 % 500), i)).ToArray();
        byte[] prefix = [1, 2, 3];
        byte[] suffix = [0xFD, 0xFE, 0xFF, 0x00];
        using var sender = new SocketSegmentSender(_sending);

        await sender.SendAsync(new ArraySegment<byte>(prefix), Segments(parts), new ArraySegment<byte>(suffix));

        byte[] expected = [.. prefix, .. parts.SelectMany(p => p), .. suffix];
        Assert.Equal(expected, await ReceiveAsync(expected.Length));
        await AssertNothingElseAsync(sender);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(20)]
    public async Task SegmentsAloneArriveInOrder(int count)
    {
        var parts = Enumerable.Range(0, count).Select(i => Bytes(100 + i, 1000 + i)).ToArray();
        using var sender = new SocketSegmentSender(_sending);

        await sender.SendAsync(Segments(parts));

        byte[] expected = [.. parts.SelectMany(p => p)];
        Assert.Equal(expected, await ReceiveAsync(expected.Length));
        await AssertNothingElseAsync(sender);
    }

    [Fact]
    public async Task EmptyPartsAreSkipped()
    {
        using var sender = new SocketSegmentSender(_sending);
        byte[][] parts = [[], [1], [], [], [2, 3], [], [], [], [], [], [4], []];

        await sender.SendAsync(new ArraySegment<byte>([]), Segments(parts), default);
        await sender.SendAsync(default, Segments([], [], []), new ArraySegment<byte>([5]));
        await sender.SendAsync(default, [], default); // nothing at all: no send

        Assert.Equal([1, 2, 3, 4, 5], await ReceiveAsync(5));
        await AssertNothingElseAsync(sender);
    }

    [Fact]
    public async Task SlicesOfPrefixAndSuffixAreHonoured()
    {
        using var sender = new SocketSegmentSender(_sending);
        byte[] prefix = [9, 9, 1, 2, 9];
        byte[] suffix = [9, 3, 9];

        await sender.SendAsync(new ArraySegment<byte>(prefix, 2, 2), Segments([7, 7]), new ArraySegment<byte>(suffix, 1, 1));

        Assert.Equal([1, 2, 7, 7, 3], await ReceiveAsync(5));
        await AssertNothingElseAsync(sender);
    }

    [Fact]
    public async Task AtMostEightBuffersGoInOneSend()
    {
        // The buffer list never holds more than MaxBuffersPerSend parts: its capacity, set to that, never grew.
        using var sender = new SocketSegmentSender(_sending);
        var parts = Enumerable.Range(0, 50).Select(i => Bytes(10, i)).ToArray();

        await sender.SendAsync(new ArraySegment<byte>([1]), Segments(parts), new ArraySegment<byte>([2]));

        byte[] expected = [1, .. parts.SelectMany(p => p), 2];
        Assert.Equal(expected, await ReceiveAsync(expected.Length));
        var buffers = (List<ArraySegment<byte>>)typeof(SocketSegmentSender).GetField("_buffers", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(sender)!;
        Assert.Equal(SocketSegmentSender.MaxBuffersPerSend, buffers.Capacity);
        Assert.Empty(buffers); // and the sender keeps no reference to the segments it sent
    }

    [Fact]
    public async Task SlowReaderWithSmallBuffersGetsEveryByte()
    {
        // With 4 KiB buffers (the kernel doubles them) a sendmsg of 8 parts of 32 KiB goes out in many pieces as the
        // reader drains it. (On Linux the runtime completes the operation only once all of it went out; where it
        // completes partially, the sender drops what went out: DropSentRemovesWhatAPartialSendWrote.)
        await ConnectAsync(bufferSize: 4096);
        var parts = Enumerable.Range(0, 20).Select(i => Bytes(32 * 1024 + i, 500 + i)).ToArray();
        byte[] prefix = Bytes(10, 1);
        byte[] suffix = Bytes(7, 2);
        byte[] expected = [.. prefix, .. parts.SelectMany(p => p), .. suffix];
        using var sender = new SocketSegmentSender(_sending);

        // Far more than the socket buffers hold: the send completes only as the reader drains it, in pieces.
        var sending = sender.SendAsync(new ArraySegment<byte>(prefix), Segments(parts), new ArraySegment<byte>(suffix)).AsTask();
        var received = await ReceiveAsync(expected.Length, readSize: 1000, pauseEveryBytes: 16 * 1024);
        await sending.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(expected.Length, received.Length);
        Assert.True(expected.AsSpan().SequenceEqual(received), "bytes differ");

        // The sender is reusable after a send that had to wait.
        var second = sender.SendAsync(Segments(Bytes(100_000, 3))).AsTask();
        Assert.Equal(Bytes(100_000, 3), await ReceiveAsync(100_000, readSize: 1000, pauseEveryBytes: 16 * 1024));
        await second.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(0, new[] { 3, 5, 2 })]
    [InlineData(2, new[] { 1, 5, 2 })] // inside the first buffer
    [InlineData(3, new[] { 5, 2 })] // exactly the first buffer
    [InlineData(4, new[] { 4, 2 })] // across a buffer edge
    [InlineData(8, new[] { 2 })] // exactly two buffers
    [InlineData(9, new[] { 1 })]
    public void DropSentRemovesWhatAPartialSendWrote(int sent, int[] left)
    {
        // A unit test of the private step that a partial sendmsg takes (not reachable through a Linux socket, see above).
        using var sender = new SocketSegmentSender(_sending);
        var buffers = (List<ArraySegment<byte>>)typeof(SocketSegmentSender).GetField("_buffers", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(sender)!;
        byte[] bytes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        buffers.AddRange([new ArraySegment<byte>(bytes, 0, 3), new ArraySegment<byte>(bytes, 3, 5), new ArraySegment<byte>(bytes, 8, 2)]);

        typeof(SocketSegmentSender).GetMethod("DropSent", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(sender, [sent]);

        Assert.Equal(left, buffers.Select(b => b.Count));
        Assert.Equal(bytes[sent..], buffers.SelectMany(b => b).ToArray());
    }

    [Fact]
    public async Task ManySendsInARowArriveInOrder()
    {
        using var sender = new SocketSegmentSender(_sending);
        var expected = new List<byte>();
        var receiving = Task.Run(() => ReceiveAsync(200 * 64 * 3), TestContext.Current.CancellationToken);
        for (int i = 0; i < 200; i++)
        {
            var header = new[] { (byte)i, (byte)(i >> 8) };
            var body = Bytes(64 * 3 - 2, i);
            await sender.SendAsync(new ArraySegment<byte>(header), Segments(body[..64], body[64..]), default);
            expected.AddRange(header);
            expected.AddRange(body);
        }

        Assert.Equal(expected.ToArray(), await receiving);
    }

    [Fact]
    public async Task SendAfterTheSocketIsDisposedIsASocketException()
    {
        using var sender = new SocketSegmentSender(_sending);
        await sender.SendAsync(Segments([1]));
        _sending.Dispose();

        await Assert.ThrowsAsync<SocketException>(async () => await sender.SendAsync(Segments([2])));
        await Assert.ThrowsAsync<SocketException>(async () => await sender.SendAsync(new ArraySegment<byte>([3]), [], default));
    }

    [Fact]
    public async Task SendOnAFreshSenderOfADisposedSocketIsASocketException()
    {
        using var sender = new SocketSegmentSender(_sending);
        _sending.Dispose();

        await Assert.ThrowsAsync<SocketException>(async () => await sender.SendAsync(Segments([1, 2, 3])));
    }

    [Fact]
    public async Task SendAfterShutdownIsASocketException()
    {
        using var sender = new SocketSegmentSender(_sending);
        _sending.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<SocketException>(async () => await sender.SendAsync(Segments([1])));
    }

    [Fact]
    public async Task DisposingTheSocketEndsABlockedSendWithASocketException()
    {
        await ConnectAsync(bufferSize: 4096);
        using var sender = new SocketSegmentSender(_sending);

        // Nobody reads: the send blocks once the buffers are full.
        var sending = sender.SendAsync(Segments(Bytes(8 * 1024 * 1024, 4))).AsTask();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(sending.IsCompleted, "8 MiB went out to a peer that reads nothing");

        _sending.Dispose();

        await Assert.ThrowsAsync<SocketException>(() => sending.WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SendToAPeerThatResetIsASocketException()
    {
        using var sender = new SocketSegmentSender(_sending);
        _receiving.LingerState = new LingerOption(true, 0); // close with a reset
        _receiving.Dispose();
        await Task.Delay(100, TestContext.Current.CancellationToken);

        // The first send may still be accepted by the kernel; the reset surfaces within a few.
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await sender.SendAsync(Segments(Bytes(1000, i)));
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
        });
    }
}
