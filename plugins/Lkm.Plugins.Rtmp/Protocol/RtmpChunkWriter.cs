using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Plugins.Rtmp.Protocol;

/// <summary>
/// Writes RTMP messages as chunks. Every message is self-contained: its first chunk has a fmt-0
/// header with the absolute timestamp, continuation chunks are fmt 3 (repeating the extended
/// timestamp when there is one). So the same bytes can go to players who joined at different times.
/// </summary>
public static class RtmpChunkWriter
{
    /// <summary>Chunk stream for protocol control messages (SetChunkSize, Ack, ...).</summary>
    public const int ControlChunkStream = 2;

    /// <summary>Chunk stream for command messages on the connection.</summary>
    public const int CommandChunkStream = 3;

    /// <summary>Chunk stream for audio messages.</summary>
    public const int AudioChunkStream = 4;

    /// <summary>Chunk stream for data and stream-level command messages (onStatus, onMetaData).</summary>
    public const int DataChunkStream = 5;

    /// <summary>Chunk stream for video messages.</summary>
    public const int VideoChunkStream = 6;

    private const uint TimestampEscape = 0xFFFFFF;

    /// <summary>Bytes <see cref="WriteMessage"/> writes for a message of <paramref name="payloadLength"/> bytes.</summary>
    public static int GetMessageSize(int chunkStreamId, uint timestamp, int payloadLength, int chunkSize)
    {
        ValidateArguments(chunkStreamId, chunkSize);
        int basic = BasicHeaderSize(chunkStreamId);
        int extended = timestamp >= TimestampEscape ? 4 : 0;
        int chunks = payloadLength == 0 ? 1 : (int)(((long)payloadLength + chunkSize - 1) / chunkSize);
        return basic + 11 + extended + ((chunks - 1) * (basic + extended)) + payloadLength;
    }

    public static void WriteMessage(
        IBufferWriter<byte> output,
        int chunkStreamId,
        RtmpMessageType type,
        uint timestamp,
        int streamId,
        ReadOnlySpan<byte> payload,
        int chunkSize) => WriteMessage(output, chunkStreamId, type, timestamp, streamId, payload, [], chunkSize);

    /// <summary>
    /// Writes a message whose payload is <paramref name="head"/> followed by <paramref name="body"/>
    /// (e.g. the FLV tag header bytes and the frame), chunking both without an intermediate copy.
    /// </summary>
    public static void WriteMessage(
        IBufferWriter<byte> output,
        int chunkStreamId,
        RtmpMessageType type,
        uint timestamp,
        int streamId,
        ReadOnlySpan<byte> head,
        ReadOnlySpan<byte> body,
        int chunkSize)
    {
        int length = head.Length + body.Length;
        if (length > 0xFFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(body), "An RTMP message holds at most 16 MiB - 1 bytes.");
        }

        int size = GetMessageSize(chunkStreamId, timestamp, length, chunkSize);
        var span = output.GetSpan(size);
        bool extended = timestamp >= TimestampEscape;

        int pos = WriteBasicHeader(span, 0, chunkStreamId);
        WriteUInt24(span[pos..], extended ? TimestampEscape : timestamp);
        WriteUInt24(span[(pos + 3)..], (uint)length);
        span[pos + 6] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(span[(pos + 7)..], streamId);
        pos += 11;
        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[pos..], timestamp);
            pos += 4;
        }

        int chunkLeft = chunkSize;
        CopyChunked(span, ref pos, ref chunkLeft, head, chunkStreamId, extended, timestamp, chunkSize);
        CopyChunked(span, ref pos, ref chunkLeft, body, chunkStreamId, extended, timestamp, chunkSize);
        output.Advance(pos);
    }

    /// <summary>Copies payload bytes, starting a fmt-3 continuation chunk whenever the current chunk is full.</summary>
    private static void CopyChunked(Span<byte> span, ref int pos, ref int chunkLeft, ReadOnlySpan<byte> part, int chunkStreamId, bool extended, uint timestamp, int chunkSize)
    {
        while (!part.IsEmpty)
        {
            if (chunkLeft == 0)
            {
                pos += WriteBasicHeader(span[pos..], 3, chunkStreamId);
                if (extended)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(span[pos..], timestamp);
                    pos += 4;
                }

                chunkLeft = chunkSize;
            }

            int count = Math.Min(chunkLeft, part.Length);
            part[..count].CopyTo(span[pos..]);
            pos += count;
            chunkLeft -= count;
            part = part[count..];
        }
    }

    internal static int BasicHeaderSize(int chunkStreamId) => chunkStreamId switch
    {
        < 64 => 1,
        < 320 => 2,
        _ => 3,
    };

    /// <summary>Writes a basic header (fmt + chunk stream id in 1–3 bytes) and returns its size.</summary>
    internal static int WriteBasicHeader(Span<byte> destination, int fmt, int chunkStreamId)
    {
        if (chunkStreamId < 64)
        {
            destination[0] = (byte)((fmt << 6) | chunkStreamId);
            return 1;
        }

        if (chunkStreamId < 320)
        {
            destination[0] = (byte)(fmt << 6);
            destination[1] = (byte)(chunkStreamId - 64);
            return 2;
        }

        destination[0] = (byte)((fmt << 6) | 1);
        destination[1] = (byte)((chunkStreamId - 64) & 0xFF);
        destination[2] = (byte)((chunkStreamId - 64) >> 8);
        return 3;
    }

    private static void WriteUInt24(Span<byte> destination, uint value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    private static void ValidateArguments(int chunkStreamId, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkStreamId, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkStreamId, RtmpChunkReader.MaxChunkStreamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
    }
}
