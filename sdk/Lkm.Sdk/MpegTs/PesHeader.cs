namespace Lkm.Sdk.MpegTs;

/// <summary>
/// The header of a PES packet (ISO/IEC 13818-1 2.4.3.6) as MPEG-TS carries audio and video: stream id, declared
/// length, PTS/DTS (90 kHz, 33 bits) and where the elementary stream data starts.
/// </summary>
/// <param name="StreamId">stream_id (0xC0-0xDF audio, 0xE0-0xEF video, ...).</param>
/// <param name="PacketLength">PES_packet_length: bytes after the length field; 0 = unbounded (video).</param>
/// <param name="Pts">presentation time stamp, 90 kHz, 33 bits; null when absent.</param>
/// <param name="Dts">decoding time stamp, 90 kHz, 33 bits; null when absent (then it equals the PTS).</param>
/// <param name="HeaderLength">Bytes from the start of the PES packet to its payload.</param>
public readonly record struct PesHeader(byte StreamId, int PacketLength, long? Pts, long? Dts, int HeaderLength)
{
    /// <summary>Bytes needed before the header's own length is known.</summary>
    public const int MinimumSize = 9;

    /// <summary>Total bytes of the PES packet (6 + <see cref="PacketLength"/>); 0 when unbounded.</summary>
    public int TotalLength => PacketLength == 0 ? 0 : 6 + PacketLength;

    /// <summary>
    /// Parses the PES header at the start of <paramref name="data"/>. Throws <see cref="TsFormatException"/> for a
    /// missing start code, a header longer than the data or a malformed time stamp.
    /// </summary>
    public static PesHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 6)
        {
            throw new TsFormatException("PES header truncated.");
        }

        if (data[0] != 0 || data[1] != 0 || data[2] != 1)
        {
            throw new TsFormatException("PES start code missing.");
        }

        byte streamId = data[3];
        int packetLength = (data[4] << 8) | data[5];
        if (!HasOptionalHeader(streamId))
        {
            return new PesHeader(streamId, packetLength, null, null, 6);
        }

        if (data.Length < MinimumSize)
        {
            throw new TsFormatException("PES header truncated.");
        }

        if ((data[6] & 0xC0) != 0x80)
        {
            throw new TsFormatException("PES optional header marker bits missing.");
        }

        int flags = data[7] >> 6;
        int headerDataLength = data[8];
        int headerLength = MinimumSize + headerDataLength;
        if (headerLength > data.Length || (packetLength != 0 && headerLength > 6 + packetLength))
        {
            throw new TsFormatException($"PES header of {headerLength} bytes runs past the data.");
        }

        long? pts = null, dts = null;
        if (flags == 1)
        {
            throw new TsFormatException("PES PTS_DTS_flags 01 is forbidden.");
        }

        if ((flags & 0x02) != 0)
        {
            if (headerDataLength < 5)
            {
                throw new TsFormatException("PES header too short for its PTS.");
            }

            pts = ReadTimestamp(data[9..]);
        }

        if (flags == 3)
        {
            if (headerDataLength < 10)
            {
                throw new TsFormatException("PES header too short for its DTS.");
            }

            dts = ReadTimestamp(data[14..]);
        }

        return new PesHeader(streamId, packetLength, pts, dts, headerLength);
    }

    /// <summary>Reads a 5-byte PTS/DTS field (33 bits with marker bits).</summary>
    public static long ReadTimestamp(ReadOnlySpan<byte> field)
    {
        if (field.Length < 5)
        {
            throw new TsFormatException("PES time stamp truncated.");
        }

        if ((field[0] & 0x01) == 0 || (field[2] & 0x01) == 0 || (field[4] & 0x01) == 0)
        {
            throw new TsFormatException("PES time stamp marker bits missing.");
        }

        return ((long)((field[0] >> 1) & 0x07) << 30) | ((long)field[1] << 22) | ((long)(field[2] >> 1) << 15) | ((long)field[3] << 7) | ((long)field[4] >> 1);
    }

    // Table 2-21: these stream ids have no optional PES header.
    private static bool HasOptionalHeader(byte streamId) => streamId is not (0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xFF or 0xF2 or 0xF8);
}
