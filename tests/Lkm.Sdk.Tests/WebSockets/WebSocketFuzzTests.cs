using System.Buffers;
using System.Net.WebSockets;
using Lkm.Sdk.Tests.Support;
using Lkm.Sdk.WebSockets;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.WebSockets;

public class WebSocketFuzzTests
{
    private static readonly WebSocketOpcode[] DataOpcodes = [WebSocketOpcode.Continuation, WebSocketOpcode.Text, WebSocketOpcode.Binary];

    private static readonly WebSocketOpcode[] ControlOpcodes = [WebSocketOpcode.Close, WebSocketOpcode.Ping, WebSocketOpcode.Pong];

    [Fact]
    public void Random_bytes_only_ever_raise_websocket_exception()
    {
        var mutator = new Mutator(6455);
        int errors = 0, frames = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var input = mutator.RandomBytes(256);

            // Bias towards headers that pass the first checks (final, no reserved bit, known opcode, masked),
            // so the length, mask and payload paths are reached too.
            if (input.Length > 1 && i % 2 == 0)
            {
                var opcodes = i % 4 == 0 ? DataOpcodes : ControlOpcodes;
                input[0] = (byte)(0x80 | (byte)opcodes[mutator.Random.Next(opcodes.Length)]);
                input[1] |= 0x80;
            }

            Mutator.AssertOnlyThrows<WebSocketException>(input, bytes => Count(() => frames += ReadChunked(bytes, mutator.Random), ref errors), MaxAllocation(input));
        }

        // Both ways out were taken many times: the inputs reach past the first checks.
        Assert.True(errors > 2_000, $"{errors} protocol errors");
        Assert.True(frames > 10, $"{frames} control frames");
    }

    [Fact]
    public void Mutated_frame_streams_only_ever_raise_websocket_exception()
    {
        var mutator = new Mutator(1002);
        int errors = 0, frames = 0;
        for (int i = 0; i < 5_000; i++)
        {
            var (stream, _) = ValidStream(mutator.Random, maxFrames: 6, maxDataLength: 300);
            var input = mutator.Mutate(stream);
            Mutator.AssertOnlyThrows<WebSocketException>(input, bytes => Count(() => frames += ReadChunked(bytes, mutator.Random), ref errors), MaxAllocation(input));
            Mutator.AssertOnlyThrows<WebSocketException>(input, ReadInOneCall, MaxAllocation(input));
        }

        Assert.True(errors > 500, $"{errors} protocol errors");
        Assert.True(frames > 2_000, $"{frames} control frames");
    }

    [Fact]
    public void Valid_masked_streams_round_trip_their_control_frames_in_order()
    {
        var random = new Random(1000);
        for (int i = 0; i < 2_000; i++)
        {
            var (stream, expected) = ValidStream(random, maxFrames: 12, maxDataLength: i % 10 == 0 ? 70_000 : 400);
            int maxChunk = random.Next(1, 64);
            int segmentSize = random.Next(0, 8);

            var frames = WsFrames.Drive(new WebSocketClientFrameReader(), stream, () => random.Next(1, maxChunk + 1), segmentSize);

            Assert.Equal(expected.Count, frames.Count);
            for (int f = 0; f < frames.Count; f++)
            {
                Assert.Equal(expected[f].Opcode, frames[f].Opcode);
                Assert.Equal(expected[f].Payload, frames[f].Payload);
            }
        }
    }

    [Fact]
    public void Valid_masked_streams_in_one_call_round_trip_their_control_frames_in_order()
    {
        var random = new Random(2000);
        for (int i = 0; i < 2_000; i++)
        {
            var (stream, expected) = ValidStream(random, maxFrames: 12, maxDataLength: 400);
            var sequenceReader = new SequenceReader<byte>(SegmentedSequence.OfRandomSizes(stream, random));
            var reader = new WebSocketClientFrameReader();
            var frames = new List<WebSocketControlFrame>();
            while (reader.TryRead(ref sequenceReader, out var frame))
            {
                frames.Add(frame);
            }

            Assert.True(sequenceReader.End, "a whole valid stream is consumed");
            Assert.Equal(expected.Select(e => e.Opcode), frames.Select(f => f.Opcode));
            Assert.Equal(expected.Select(e => Convert.ToHexString(e.Payload)), frames.Select(f => Convert.ToHexString(f.Payload)));
        }
    }

    /// <summary>
    /// A random stream of masked client frames: data frames (any data opcode, fragmented or not, 7/16/64-bit lengths,
    /// sometimes in a longer form than needed) with control frames between them; returns it and its control frames.
    /// </summary>
    private static (byte[] Stream, List<WebSocketControlFrame> Controls) ValidStream(Random random, int maxFrames, int maxDataLength)
    {
        var stream = new List<byte>();
        var controls = new List<WebSocketControlFrame>();
        int count = random.Next(1, maxFrames + 1);
        for (int i = 0; i < count; i++)
        {
            uint mask = (uint)random.NextInt64(0, 1L << 32);
            if (random.Next(2) == 0)
            {
                var opcode = ControlOpcodes[random.Next(ControlOpcodes.Length)];
                var payload = new byte[random.Next(3) == 0 ? WebSocketClientFrameReader.MaxControlPayload : random.Next(0, 126)];
                random.NextBytes(payload);
                stream.AddRange(WsFrames.Client(opcode, payload, mask: mask));
                controls.Add(new WebSocketControlFrame(opcode, payload));
            }
            else
            {
                var opcode = DataOpcodes[random.Next(DataOpcodes.Length)];
                var payload = new byte[random.Next(0, maxDataLength + 1)];
                random.NextBytes(payload);
                var form = (LengthForm)random.Next(3);
                stream.AddRange(WsFrames.Client(opcode, payload, fin: random.Next(2) == 0, mask: mask, form: form));
            }
        }

        return ([.. stream], controls);
    }

    /// <summary>Reads <paramref name="bytes"/> in random chunks as a PipeReader would (checks progress and what is held).</summary>
    private static int ReadChunked(byte[] bytes, Random random)
    {
        int maxChunk = random.Next(1, 32);
        var frames = WsFrames.Drive(new WebSocketClientFrameReader(), bytes, () => random.Next(1, maxChunk + 1), random.Next(0, 5));
        Assert.All(frames, f => Assert.InRange(f.Payload.Length, 0, WebSocketClientFrameReader.MaxControlPayload));
        return frames.Count;
    }

    /// <summary>Runs <paramref name="read"/>, counting a <see cref="WebSocketException"/> before letting it through.</summary>
    private static void Count(Action read, ref int errors)
    {
        try
        {
            read();
        }
        catch (WebSocketException)
        {
            errors++;
            throw;
        }
    }

    private static void ReadInOneCall(byte[] bytes)
    {
        var sequenceReader = new SequenceReader<byte>(SegmentedSequence.OfFixedSize(bytes.Length == 0 ? [0] : bytes, 3));
        var reader = new WebSocketClientFrameReader();
        int frames = 0;
        while (reader.TryRead(ref sequenceReader, out var frame))
        {
            Assert.True(frame.Opcode is WebSocketOpcode.Ping or WebSocketOpcode.Pong or WebSocketOpcode.Close);
            Assert.True(++frames <= (bytes.Length / 6) + 1, "more frames than the input can hold: no progress");
        }
    }

    // Bounds the whole call, test driver included: it copies its pending bytes (at most 139 + a chunk) into segments
    // of as little as 1 byte per call. The reader's own allocation is checked tightly inside WsFrames.Drive.
    private static long MaxAllocation(byte[] input) => 65_536 + (24_576L * input.Length);
}
