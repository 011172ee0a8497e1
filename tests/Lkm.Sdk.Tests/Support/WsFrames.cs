using System.Buffers;
using System.Buffers.Binary;
using Lkm.Sdk.WebSockets;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Support;

/// <summary>How a client frame spells its payload length (RFC 6455 5.2); longer forms may carry short lengths.</summary>
public enum LengthForm
{
    Minimal,
    Bits16,
    Bits64,
}

/// <summary>Client→server WebSocket frames for the reader's tests, and a driver that feeds them as a PipeReader would.</summary>
internal static class WsFrames
{
    /// <summary>One client frame: masked with <paramref name="mask"/> (unless <paramref name="masked"/> is false).</summary>
    public static byte[] Client(
        WebSocketOpcode opcode,
        ReadOnlySpan<byte> payload,
        bool fin = true,
        uint mask = 0x37FA213D,
        LengthForm form = LengthForm.Minimal,
        bool masked = true,
        byte reserved = 0) =>
        Client((byte)opcode, payload, fin, mask, form, masked, reserved);

    public static byte[] Client(byte opcode, ReadOnlySpan<byte> payload, bool fin, uint mask, LengthForm form, bool masked, byte reserved)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (reserved & 0x70) | (opcode & 0x0F)) };
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        if (form == LengthForm.Minimal && payload.Length <= 125)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (form != LengthForm.Bits64 && payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, mask);
        if (masked)
        {
            frame.AddRange(key);
        }

        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add(masked ? (byte)(payload[i] ^ key[i & 3]) : payload[i]);
        }

        return [.. frame];
    }

    /// <summary>The header alone of a masked client frame announcing <paramref name="length"/> bytes (in the 64-bit form).</summary>
    public static byte[] Header64(WebSocketOpcode opcode, ulong length, bool fin = true)
    {
        var header = new byte[14];
        header[0] = (byte)((fin ? 0x80 : 0) | (byte)opcode);
        header[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), length);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(10), 0x01020304);
        return header;
    }

    /// <summary>Longest stretch a reader may leave unconsumed: a whole header (14 bytes) and a control payload (125).</summary>
    public const int MaxUnconsumed = 14 + WebSocketClientFrameReader.MaxControlPayload;

    /// <summary>
    /// Feeds <paramref name="input"/> to <paramref name="reader"/> in chunks as a PipeReader would: the bytes a call leaves
    /// unconsumed come back first in the next call, followed by the next chunk; each call runs TryRead until it is false.
    /// Checks on the way that a returned frame consumed at least a whole frame (progress), that what is left unconsumed
    /// never exceeds <see cref="MaxUnconsumed"/> and that the reader allocates only control payloads (no buffering of data payloads).
    /// </summary>
    /// <param name="chunkSizes">Sizes of the successive chunks (cycled); null for the whole input at once.</param>
    /// <param name="segmentSize">Size of the segments the pending bytes are presented in (0: one segment).</param>
    public static List<WebSocketControlFrame> Drive(
        WebSocketClientFrameReader reader, byte[] input, Func<int>? chunkSizes = null, int segmentSize = 0)
    {
        var frames = new List<WebSocketControlFrame>();
        var pending = new List<byte>();
        int offset = 0;
        int calls = 0;
        long readerAllocated = 0, payloadAllocation = 0;
        while (offset < input.Length)
        {
            int chunk = chunkSizes is null ? input.Length : Math.Max(1, chunkSizes());
            chunk = Math.Min(chunk, input.Length - offset);
            pending.AddRange(input.AsSpan(offset, chunk));
            offset += chunk;
            calls++;

            var bytes = pending.ToArray();
            var sequence = segmentSize > 0 ? SegmentedSequence.OfFixedSize(bytes, segmentSize) : new ReadOnlySequence<byte>(bytes);
            var sequenceReader = new SequenceReader<byte>(sequence);
            long before = sequenceReader.Consumed;
            while (true)
            {
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                bool read = reader.TryRead(ref sequenceReader, out var frame);
                readerAllocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                if (!read)
                {
                    break;
                }

                // The smallest control frame is 6 bytes (2 of header, 4 of mask key).
                Assert.True(sequenceReader.Consumed - before >= 6, "a frame was returned without consuming one");
                Assert.True(frames.Count <= input.Length / 6, "more frames than the input can hold");
                before = sequenceReader.Consumed;
                frames.Add(frame);
                payloadAllocation += frame.Payload.Length + 40; // the payload array (header and padding included)
            }

            Assert.InRange(sequenceReader.Remaining, 0, MaxUnconsumed);
            pending.RemoveRange(0, (int)sequenceReader.Consumed);
        }

        Assert.True(calls <= input.Length, "the driver itself must end");

        // The reader allocates the payloads of the control frames it returns, nothing for data frames. The slack is the
        // runtime's once-per-process work that can land on this thread (a generic instantiation loaded on a first call
        // put 5.8 KB there once); buffering a data payload would be far more, and has its own 64 MiB test.
        const long RuntimeSlack = 8 * 1024;
        Assert.True(readerAllocated <= payloadAllocation + RuntimeSlack, $"the reader allocated {readerAllocated} bytes for {frames.Count} control frames");
        return frames;
    }

    /// <summary>Feeds <paramref name="input"/> one byte per call, keeping unconsumed bytes (the worst split: every boundary).</summary>
    public static List<WebSocketControlFrame> DriveByteByByte(WebSocketClientFrameReader reader, byte[] input) =>
        Drive(reader, input, () => 1);
}
