using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Bench.Rtmp;

/// <summary>Splits a message into chunks: a type-0 header, then type-3 continuation chunks.</summary>
public static class RtmpChunkWriter
{
    public const int MinChunkStreamId = 2;
    public const int MaxChunkStreamId = 65599;

    public static void WriteMessage(IBufferWriter<byte> output, int chunkStreamId, byte typeId, uint streamId, uint timestamp, ReadOnlySpan<byte> body, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkStreamId, MinChunkStreamId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkStreamId, MaxChunkStreamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(body.Length, 0xFFFFFF);

        bool extended = timestamp >= 0xFFFFFF;
        var span = output.GetSpan(18);
        int n = WriteBasicHeader(span, 0, chunkStreamId);
        uint field = extended ? 0xFFFFFF : timestamp;
        span[n++] = (byte)(field >> 16);
        span[n++] = (byte)(field >> 8);
        span[n++] = (byte)field;
        span[n++] = (byte)(body.Length >> 16);
        span[n++] = (byte)(body.Length >> 8);
        span[n++] = (byte)body.Length;
        span[n++] = typeId;
        BinaryPrimitives.WriteUInt32LittleEndian(span[n..], streamId);
        n += 4;
        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[n..], timestamp);
            n += 4;
        }

        output.Advance(n);
        int offset = 0;
        while (true)
        {
            int take = Math.Min(chunkSize, body.Length - offset);
            output.Write(body.Slice(offset, take));
            offset += take;
            if (offset >= body.Length)
            {
                return;
            }

            // Continuation: type 3, repeating the extended timestamp as the spec (and ffmpeg) expect.
            span = output.GetSpan(7);
            n = WriteBasicHeader(span, 3, chunkStreamId);
            if (extended)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span[n..], timestamp);
                n += 4;
            }

            output.Advance(n);
        }
    }

    private static int WriteBasicHeader(Span<byte> span, int fmt, int csid)
    {
        if (csid < 64)
        {
            span[0] = (byte)((fmt << 6) | csid);
            return 1;
        }

        if (csid < 320)
        {
            span[0] = (byte)(fmt << 6);
            span[1] = (byte)(csid - 64);
            return 2;
        }

        span[0] = (byte)((fmt << 6) | 1);
        span[1] = (byte)((csid - 64) & 0xFF);
        span[2] = (byte)((csid - 64) >> 8);
        return 3;
    }
}
