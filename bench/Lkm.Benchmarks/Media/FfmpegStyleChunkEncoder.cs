using System.Buffers;
using System.Buffers.Binary;

namespace Lkm.Benchmarks.Media;

/// <summary>
/// Chunks RTMP messages the way ffmpeg's publisher does (libavformat/rtmpproto.c and rtmppkt.c): every media
/// message on one chunk stream (ffmpeg's source channel, 8) with the shortest header the previous message on it
/// allows — fmt 0 for the first message and for media at timestamp 0, else fmt 1 (delta, new length/type), fmt 2
/// (delta only) or fmt 3 (same delta, length and type) — and fmt-3 continuation chunks. This is what the server's
/// chunk reader sees from real encoders, unlike the server's own writer, which starts every message with fmt 0.
/// </summary>
public sealed class FfmpegStyleChunkEncoder
{
    private readonly int _chunkStreamId;
    private bool _started;
    private uint _lastTimestamp;
    private uint _lastDelta;
    private int _lastLength;
    private byte _lastType;

    public FfmpegStyleChunkEncoder(int chunkStreamId)
    {
        if (chunkStreamId is < 2 or > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkStreamId), "one-byte basic headers only");
        }

        _chunkStreamId = chunkStreamId;
    }

    public void Write(IBufferWriter<byte> output, byte type, uint timestamp, int streamId, ReadOnlySpan<byte> payload, int chunkSize)
    {
        int length = payload.Length;
        int fmt;
        uint field;
        if (!_started || timestamp < _lastTimestamp || timestamp == 0)
        {
            fmt = 0;
            field = timestamp;
        }
        else
        {
            field = timestamp - _lastTimestamp;
            fmt = type == _lastType && length == _lastLength ? (field == _lastDelta ? 3 : 2) : 1;
        }

        if (field >= 0xFFFFFF)
        {
            throw new NotSupportedException("extended timestamps are not needed for these benchmarks");
        }

        var header = output.GetSpan(12);
        header[0] = (byte)((fmt << 6) | _chunkStreamId);
        int pos = 1;
        if (fmt <= 2)
        {
            WriteUInt24(header[pos..], field);
            pos += 3;
        }

        if (fmt <= 1)
        {
            WriteUInt24(header[pos..], (uint)length);
            header[pos + 3] = type;
            pos += 4;
        }

        if (fmt == 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[pos..], streamId);
            pos += 4;
        }

        output.Advance(pos);
        while (true)
        {
            int count = Math.Min(chunkSize, payload.Length);
            output.Write(payload[..count]);
            payload = payload[count..];
            if (payload.IsEmpty)
            {
                break;
            }

            output.GetSpan(1)[0] = (byte)((3 << 6) | _chunkStreamId);
            output.Advance(1);
        }

        _started = true;
        _lastDelta = fmt == 0 ? timestamp : field;
        _lastTimestamp = timestamp;
        _lastLength = length;
        _lastType = type;
    }

    private static void WriteUInt24(Span<byte> destination, uint value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }
}
