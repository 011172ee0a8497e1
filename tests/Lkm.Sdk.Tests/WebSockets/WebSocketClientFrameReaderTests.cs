using System.Buffers;
using System.Net.WebSockets;
using Lkm.Sdk.Tests.Support;
using Lkm.Sdk.WebSockets;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.WebSockets;

public class WebSocketClientFrameReaderTests
{
    private static readonly byte[] Hello = "hello"u8.ToArray();

    private static bool ReadOnce(WebSocketClientFrameReader reader, byte[] input, out WebSocketControlFrame frame, out long consumed)
    {
        var sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(input));
        bool read = reader.TryRead(ref sequenceReader, out frame);
        consumed = sequenceReader.Consumed;
        return read;
    }

    private static WebSocketException AssertProtocolError(byte[] input)
    {
        var reader = new WebSocketClientFrameReader();
        return Assert.Throws<WebSocketException>(() =>
        {
            var sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(input));
            while (reader.TryRead(ref sequenceReader, out _))
            {
            }
        });
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 + 3);
        }

        return bytes;
    }

    [Theory]
    [InlineData(WebSocketOpcode.Ping)]
    [InlineData(WebSocketOpcode.Pong)]
    [InlineData(WebSocketOpcode.Close)]
    public void ControlFrameIsReturnedUnmaskedAndConsumed(WebSocketOpcode opcode)
    {
        var input = WsFrames.Client(opcode, Hello);

        Assert.True(ReadOnce(new WebSocketClientFrameReader(), input, out var frame, out long consumed));

        Assert.Equal(opcode, frame.Opcode);
        Assert.Equal(Hello, frame.Payload);
        Assert.Equal(input.Length, consumed);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x12345678u)]
    public void EveryMaskKeyIsUndone(uint mask)
    {
        var payload = Pattern(WebSocketClientFrameReader.MaxControlPayload);
        Assert.True(ReadOnce(new WebSocketClientFrameReader(), WsFrames.Client(WebSocketOpcode.Ping, payload, mask: mask), out var frame, out _));
        Assert.Equal(payload, frame.Payload);
    }

    [Fact]
    public void EmptyAndLongestControlPayloadsAreAccepted()
    {
        var reader = new WebSocketClientFrameReader();
        var longest = Pattern(125);
        var frames = WsFrames.Drive(reader, Concat(WsFrames.Client(WebSocketOpcode.Ping, []), WsFrames.Client(WebSocketOpcode.Close, longest)));

        Assert.Equal(2, frames.Count);
        Assert.Equal(WebSocketOpcode.Ping, frames[0].Opcode);
        Assert.Empty(frames[0].Payload);
        Assert.Equal(WebSocketOpcode.Close, frames[1].Opcode);
        Assert.Equal(longest, frames[1].Payload);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Binary, LengthForm.Bits16)]
    [InlineData(WebSocketOpcode.Text, LengthForm.Bits64)]
    public void DataFrameInALongerLengthFormIsSkipped(WebSocketOpcode opcode, LengthForm form)
    {
        var input = Concat(WsFrames.Client(opcode, Hello, form: form), WsFrames.Client(WebSocketOpcode.Ping, [1, 2]));
        var frames = WsFrames.Drive(new WebSocketClientFrameReader(), input);
        Assert.Equal([1, 2], Assert.Single(frames).Payload);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Text, 0)]
    [InlineData(WebSocketOpcode.Binary, 1)]
    [InlineData(WebSocketOpcode.Binary, 125)]
    [InlineData(WebSocketOpcode.Binary, 126)] // 16-bit length
    [InlineData(WebSocketOpcode.Text, 65_535)] // largest 16-bit length
    [InlineData(WebSocketOpcode.Binary, 65_536)] // 64-bit length
    [InlineData(WebSocketOpcode.Continuation, 300)]
    public void DataFrameIsSkippedAndTheFollowingPingReturned(WebSocketOpcode opcode, int length)
    {
        var ping = WsFrames.Client(WebSocketOpcode.Ping, Hello);
        var input = Concat(WsFrames.Client(opcode, Pattern(length)), ping);

        Assert.True(ReadOnce(new WebSocketClientFrameReader(), input, out var frame, out long consumed));

        Assert.Equal(WebSocketOpcode.Ping, frame.Opcode);
        Assert.Equal(Hello, frame.Payload);
        Assert.Equal(input.Length, consumed);
    }

    [Fact]
    public void DataFrameAloneIsConsumedWithoutAFrame()
    {
        var input = WsFrames.Client(WebSocketOpcode.Binary, Pattern(1000));
        Assert.False(ReadOnce(new WebSocketClientFrameReader(), input, out _, out long consumed));
        Assert.Equal(input.Length, consumed);
    }

    [Fact]
    public void PingBetweenFragmentsOfAMessageIsReturned()
    {
        // RFC 6455 5.4: control frames may be injected in the middle of a fragmented message.
        var input = Concat(
            WsFrames.Client(WebSocketOpcode.Text, Pattern(10), fin: false),
            WsFrames.Client(WebSocketOpcode.Ping, Hello),
            WsFrames.Client(WebSocketOpcode.Continuation, Pattern(200), fin: false),
            WsFrames.Client(WebSocketOpcode.Pong, [9]),
            WsFrames.Client(WebSocketOpcode.Continuation, Pattern(3)),
            WsFrames.Client(WebSocketOpcode.Close, [0x03, 0xE8]));

        var frames = WsFrames.Drive(new WebSocketClientFrameReader(), input);

        Assert.Equal([WebSocketOpcode.Ping, WebSocketOpcode.Pong, WebSocketOpcode.Close], frames.Select(f => f.Opcode));
        Assert.Equal(Hello, frames[0].Payload);
        Assert.Equal([9], frames[1].Payload);
        Assert.Equal([0x03, 0xE8], frames[2].Payload);
    }

    [Fact]
    public void IncompleteHeaderIsLeftUnconsumed()
    {
        var frame = WsFrames.Client(WebSocketOpcode.Binary, Pattern(70_000)); // 14-byte header
        for (int length = 0; length < 14; length++)
        {
            var reader = new WebSocketClientFrameReader();
            Assert.False(ReadOnce(reader, frame[..length], out _, out long consumed));
            Assert.Equal(0, consumed);

            // The same reader, given the whole header and payload afterwards, still reads it.
            Assert.False(ReadOnce(reader, frame, out _, out consumed));
            Assert.Equal(frame.Length, consumed);
        }
    }

    [Fact]
    public void IncompleteControlFrameIsLeftUnconsumedUntilWhole()
    {
        var input = WsFrames.Client(WebSocketOpcode.Ping, Pattern(100));
        var reader = new WebSocketClientFrameReader();
        for (int length = 0; length < input.Length; length++)
        {
            Assert.False(ReadOnce(reader, input[..length], out _, out long consumed));
            Assert.Equal(0, consumed);
        }

        Assert.True(ReadOnce(reader, input, out var frame, out long all));
        Assert.Equal(Pattern(100), frame.Payload);
        Assert.Equal(input.Length, all);
    }

    [Fact]
    public void DataPayloadIsConsumedAsItComes()
    {
        var payload = Pattern(1000);
        var frame = WsFrames.Client(WebSocketOpcode.Binary, payload);
        int header = frame.Length - payload.Length;
        var reader = new WebSocketClientFrameReader();

        // Header and part of the payload: all of it consumed, nothing held back.
        Assert.False(ReadOnce(reader, frame[..(header + 400)], out _, out long consumed));
        Assert.Equal(header + 400, consumed);

        // The rest of the payload then a ping: the reader knows 600 bytes are still to skip.
        var ping = WsFrames.Client(WebSocketOpcode.Ping, Hello);
        Assert.True(ReadOnce(reader, Concat(frame[(header + 400)..], ping), out var pong, out consumed));
        Assert.Equal(Hello, pong.Payload);
        Assert.Equal(600 + ping.Length, consumed);
    }

    [Fact]
    public void LargeDataFrameFedInChunksIsSkippedWithoutHoldingItThenThePingIsReturned()
    {
        const long payloadLength = 64L * 1024 * 1024;
        var reader = new WebSocketClientFrameReader();
        var chunk = new byte[64 * 1024];
        new Random(5).NextBytes(chunk); // the masked bytes: any content

        var header = WsFrames.Header64(WebSocketOpcode.Binary, payloadLength);
        Assert.False(ReadOnce(reader, header, out _, out long consumed));
        Assert.Equal(header.Length, consumed);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long skipped = 0;
        int frames = 0;
        for (long sent = 0; sent < payloadLength; sent += chunk.Length)
        {
            var sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(chunk));
            frames += reader.TryRead(ref sequenceReader, out _) ? 1 : 0;
            skipped += sequenceReader.Consumed;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, frames);
        Assert.Equal(payloadLength, skipped);
        Assert.True(allocated < 4096, $"skipping 64 MiB allocated {allocated} bytes");

        Assert.True(ReadOnce(reader, WsFrames.Client(WebSocketOpcode.Ping, Hello), out var frame, out _));
        Assert.Equal(WebSocketOpcode.Ping, frame.Opcode);
        Assert.Equal(Hello, frame.Payload);
    }

    [Fact]
    public void HugeAnnouncedLengthIsSkippedAsItComesAndNeverLoops()
    {
        var reader = new WebSocketClientFrameReader();
        var input = Concat(WsFrames.Header64(WebSocketOpcode.Binary, long.MaxValue), WsFrames.Client(WebSocketOpcode.Ping, Hello));

        // The ping is payload of the announced frame: consumed as such, never returned.
        Assert.False(ReadOnce(reader, input, out _, out long consumed));
        Assert.Equal(input.Length, consumed);
        Assert.False(ReadOnce(reader, WsFrames.Client(WebSocketOpcode.Ping, Hello), out _, out _));
    }

    [Fact]
    public void EmptyInputAsksForMore()
    {
        Assert.False(ReadOnce(new WebSocketClientFrameReader(), [], out var frame, out long consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(default, frame);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Ping)]
    [InlineData(WebSocketOpcode.Binary)]
    [InlineData(WebSocketOpcode.Close)]
    public void UnmaskedFrameIsAProtocolError(WebSocketOpcode opcode)
    {
        var ex = AssertProtocolError(WsFrames.Client(opcode, Hello, masked: false));
        Assert.Contains("unmasked", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x20)]
    [InlineData(0x10)]
    [InlineData(0x70)]
    public void ReservedBitIsAProtocolError(byte reserved)
    {
        AssertProtocolError(WsFrames.Client(WebSocketOpcode.Binary, Hello, reserved: reserved));
        AssertProtocolError(WsFrames.Client(WebSocketOpcode.Ping, Hello, reserved: reserved));
    }

    [Theory]
    [InlineData(0x3)]
    [InlineData(0x4)]
    [InlineData(0x5)]
    [InlineData(0x6)]
    [InlineData(0x7)]
    [InlineData(0xB)]
    [InlineData(0xC)]
    [InlineData(0xD)]
    [InlineData(0xE)]
    [InlineData(0xF)]
    public void UnknownOpcodeIsAProtocolError(byte opcode)
    {
        var ex = AssertProtocolError(WsFrames.Client(opcode, Hello, true, 0x11223344, LengthForm.Minimal, true, 0));
        Assert.Contains("opcode", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Ping)]
    [InlineData(WebSocketOpcode.Pong)]
    [InlineData(WebSocketOpcode.Close)]
    public void FragmentedControlFrameIsAProtocolError(WebSocketOpcode opcode)
    {
        AssertProtocolError(WsFrames.Client(opcode, Hello, fin: false));
    }

    [Theory]
    [InlineData(WebSocketOpcode.Ping, 126, LengthForm.Minimal)]
    [InlineData(WebSocketOpcode.Pong, 1000, LengthForm.Minimal)]
    [InlineData(WebSocketOpcode.Close, 70_000, LengthForm.Minimal)]
    [InlineData(WebSocketOpcode.Ping, 10, LengthForm.Bits16)] // a short length in a longer form: its 7-bit length says 126
    [InlineData(WebSocketOpcode.Ping, 10, LengthForm.Bits64)]
    public void ControlFrameLongerThan125BytesIsAProtocolError(WebSocketOpcode opcode, int length, LengthForm form)
    {
        AssertProtocolError(WsFrames.Client(opcode, Pattern(length), form: form));
    }

    [Fact]
    public void OversizedControlFrameIsRefusedFromItsFirstTwoBytes()
    {
        // Nothing of the announced length needs to arrive: the server does not wait for 126+ bytes it will refuse.
        AssertProtocolError([0x89, 0x80 | 126]);
        AssertProtocolError([0x89, 0x80 | 127]);
    }

    [Theory]
    [InlineData(0x8000000000000000ul)]
    [InlineData(0xFFFFFFFFFFFFFFFFul)]
    public void SixtyFourBitLengthWithItsTopBitSetIsAProtocolError(ulong length)
    {
        var ex = AssertProtocolError(WsFrames.Header64(WebSocketOpcode.Binary, length));
        Assert.Contains("64-bit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorAfterValidFramesIsStillFound()
    {
        var reader = new WebSocketClientFrameReader();
        var input = Concat(
            WsFrames.Client(WebSocketOpcode.Binary, Pattern(300)),
            WsFrames.Client(WebSocketOpcode.Ping, Hello),
            WsFrames.Client(WebSocketOpcode.Binary, Hello, masked: false));

        var frames = new List<WebSocketControlFrame>();
        Assert.Throws<WebSocketException>(() =>
        {
            var sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(input));
            while (reader.TryRead(ref sequenceReader, out var frame))
            {
                frames.Add(frame);
            }
        });
        Assert.Equal(Hello, Assert.Single(frames).Payload);
    }

    private static byte[] MixedStream() => Concat(
        WsFrames.Client(WebSocketOpcode.Ping, Hello),
        WsFrames.Client(WebSocketOpcode.Binary, Pattern(130)), // 16-bit length
        WsFrames.Client(WebSocketOpcode.Pong, []),
        WsFrames.Client(WebSocketOpcode.Text, Pattern(20), fin: false, form: LengthForm.Bits64),
        WsFrames.Client(WebSocketOpcode.Ping, Pattern(125), mask: 0xDEADBEEF),
        WsFrames.Client(WebSocketOpcode.Continuation, Pattern(3)),
        WsFrames.Client(WebSocketOpcode.Close, [0x03, 0xE8, (byte)'o', (byte)'k']));

    private static void AssertMixedStream(List<WebSocketControlFrame> frames)
    {
        Assert.Equal([WebSocketOpcode.Ping, WebSocketOpcode.Pong, WebSocketOpcode.Ping, WebSocketOpcode.Close], frames.Select(f => f.Opcode));
        Assert.Equal(Hello, frames[0].Payload);
        Assert.Empty(frames[1].Payload);
        Assert.Equal(Pattern(125), frames[2].Payload);
        Assert.Equal([0x03, 0xE8, (byte)'o', (byte)'k'], frames[3].Payload);
    }

    [Fact]
    public void StreamSplitAtEveryByteBoundaryReadsTheSame()
    {
        var input = MixedStream();
        for (int cut = 0; cut <= input.Length; cut++)
        {
            int call = 0;
            int first = cut;
            var frames = WsFrames.Drive(new WebSocketClientFrameReader(), input, () => call++ == 0 ? first : input.Length);
            AssertMixedStream(frames);
        }
    }

    [Fact]
    public void StreamFedByteByByteKeepingUnconsumedBytesReadsTheSame()
    {
        AssertMixedStream(WsFrames.DriveByteByByte(new WebSocketClientFrameReader(), MixedStream()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(13)]
    public void StreamInManySegmentsReadsTheSame(int segmentSize)
    {
        // One call over a sequence of many small segments: headers, lengths and mask keys cross segment edges.
        AssertMixedStream(WsFrames.Drive(new WebSocketClientFrameReader(), MixedStream(), segmentSize: segmentSize));

        // And chunked calls whose pending bytes are themselves segmented.
        var random = new Random(segmentSize);
        AssertMixedStream(WsFrames.Drive(new WebSocketClientFrameReader(), MixedStream(), () => random.Next(1, 40), segmentSize));
    }

    [Fact]
    public void StreamInRandomSegmentsInOneCallReadsTheSame()
    {
        var random = new Random(17);
        for (int i = 0; i < 200; i++)
        {
            var sequenceReader = new SequenceReader<byte>(SegmentedSequence.OfRandomSizes(MixedStream(), random, 9));
            var reader = new WebSocketClientFrameReader();
            var frames = new List<WebSocketControlFrame>();
            while (reader.TryRead(ref sequenceReader, out var frame))
            {
                frames.Add(frame);
            }

            Assert.True(sequenceReader.End);
            AssertMixedStream(frames);
        }
    }
}
