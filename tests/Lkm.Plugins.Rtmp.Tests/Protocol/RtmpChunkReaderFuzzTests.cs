using System.Buffers.Binary;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Plugins.Rtmp.Tests.Infrastructure;
using Lkm.Sdk.Testing.Rtmp;
using RtmpMessageType = Lkm.Plugins.Rtmp.Protocol.RtmpMessageType;

namespace Lkm.Plugins.Rtmp.Tests.Protocol;

/// <summary>
/// Hostile input: whatever arrives, the reader either yields messages, waits for more, or throws
/// <see cref="RtmpProtocolException"/>, and what it holds stays within its limits.
/// </summary>
public class RtmpChunkReaderFuzzTests
{
    private const int MaxMessageSize = 64 * 1024;

    // Pending data is capped at 2 x MaxMessageSize; buffers double, and a little slack for bookkeeping.
    private const long AllocationBoundPerInput = 1024 * 1024;

    [Fact]
    public void Random_bytes_only_ever_raise_the_protocol_exception()
    {
        var random = new Random(1234);
        int errors = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var data = new byte[random.Next(0, 2048)];
            random.NextBytes(data);
            errors += Parse(data, random) ? 0 : 1;
        }

        Assert.True(errors > 5000, $"only {errors} of 10000 random inputs were refused");
    }

    [Fact]
    public void Random_bytes_behind_plausible_headers_only_ever_raise_the_protocol_exception()
    {
        // Start every input with a valid fmt 0 header so the fuzzing reaches fmt 1-3, extended
        // timestamps, control messages and reassembly instead of failing on the first byte.
        var random = new Random(99);
        for (int i = 0; i < 10_000; i++)
        {
            var data = new byte[random.Next(12, 3000)];
            random.NextBytes(data);
            data[0] = (byte)random.Next(2, 64);
            data[4] = 0;
            data[7] = (byte)random.Next(1, 23);
            Parse(data, random);
        }
    }

    [Fact]
    public void Mutated_valid_streams_only_ever_raise_the_protocol_exception()
    {
        var random = new Random(42);
        for (int i = 0; i < 3_000; i++)
        {
            var valid = ValidStream(random);
            var mutated = Mutate(valid, random);
            Parse(mutated, random);
        }
    }

    [Fact]
    public void A_huge_chunk_size_and_a_huge_length_are_bounded()
    {
        // The largest chunk size the reader accepts (its message limit), then a length beyond it.
        var encoder = new RtmpChunkEncoder();
        var data = new List<byte>(encoder.EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, [0x00, 0x80, 0x00, 0x00]));

        // A 16 MB - 1 declared length with a little data behind it.
        data.AddRange([0x06, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0]);
        data.AddRange(new byte[1000]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var reader = new RtmpChunkReader(8 * 1024 * 1024);

        var error = Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, [.. data]));

        Assert.Contains("exceeds", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < AllocationBoundPerInput);
    }

    [Fact]
    public void A_chunk_stream_storm_is_refused_before_memory_grows()
    {
        var random = new Random(7);

        // Chunk size 1: every header is followed by exactly one payload byte.
        var data = new List<byte>(new RtmpChunkEncoder().EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, [0, 0, 0, 1]));
        for (int csid = 64; csid < 64 + 10_000; csid++)
        {
            // fmt 0 headers declaring 8 MB - 1 messages, with one byte of payload each.
            RtmpChunkEncoder.WriteBasicHeader(data, 0, csid);
            data.AddRange([0, 0, 0, 0x7F, 0xFF, 0xFF, 9, 1, 0, 0, 0, (byte)random.Next()]);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        using var reader = new RtmpChunkReader(8 * 1024 * 1024, maxChunkStreams: 64);

        var error = Assert.Throws<RtmpProtocolException>(() => ChunkFeeder.ReadAll(reader, [.. data], pieceSize: 4096));

        Assert.Contains("chunk streams", error.Message);
        Assert.Equal(64, reader.ChunkStreamCount);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 * AllocationBoundPerInput);
    }

    /// <summary>Parses until the reader needs more input; false when it refused the input.</summary>
    private static bool Parse(byte[] data, Random random)
    {
        using var reader = new RtmpChunkReader(MaxMessageSize, maxChunkStreams: 64);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            ChunkFeeder.ReadAll(reader, data, pieceSize: random.Next(1, 600));
            return true;
        }
        catch (RtmpProtocolException)
        {
            return false;
        }
        finally
        {
            Assert.True(reader.PendingBytes <= (2 * MaxMessageSize) + 600, $"pending {reader.PendingBytes}");
            Assert.True(reader.ChunkStreamCount <= 64);

            // ChunkFeeder copies the input and payloads a few times; the bound is about the reader.
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationBoundPerInput + (data.Length * 64L), $"allocated {allocated} bytes for {data.Length} input bytes");
        }
    }

    private static byte[] ValidStream(Random random)
    {
        var encoder = new RtmpChunkEncoder { ChunkSize = random.Next(1, 300), ExtendedTimestampOnContinuation = random.Next(2) == 0 };
        var data = new List<byte>();
        if (random.Next(3) == 0)
        {
            var size = new byte[4];
            int chunkSize = random.Next(1, 5000);
            BinaryPrimitives.WriteUInt32BigEndian(size, (uint)chunkSize);
            data.AddRange(encoder.EncodeMessage(2, RtmpMessageType.SetChunkSize, 0, 0, size));
            encoder.ChunkSize = chunkSize;
        }

        uint timestamp = random.Next(4) == 0 ? 0xFFFFFF00 : (uint)random.Next();
        for (int i = 0; i < random.Next(1, 12); i++)
        {
            timestamp += (uint)random.Next(0, 100);
            var payload = new byte[random.Next(0, 900)];
            random.NextBytes(payload);
            int csid = random.Next(4) switch { 0 => random.Next(2, 64), 1 => random.Next(64, 320), 2 => random.Next(320, 65600), _ => 6 };
            data.AddRange(encoder.EncodeMessage(csid, (RtmpMessageType)random.Next(1, 23), timestamp, random.Next(0, 3), payload));
        }

        return [.. data];
    }

    private static byte[] Mutate(byte[] data, Random random)
    {
        var bytes = new List<byte>(data);
        int mutations = random.Next(1, 8);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }
}
