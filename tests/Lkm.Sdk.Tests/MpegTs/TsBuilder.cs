using Lkm.Sdk.MpegTs;

namespace Lkm.Sdk.Tests.MpegTs;

/// <summary>Hand-made TS packets and sections for the parser tests.</summary>
internal static class TsBuilder
{
    [ThreadStatic]
    private static byte[]? t_reused;

    /// <summary>One 188-byte packet carrying <paramref name="payload"/> (padded with an adaptation field when shorter than 184 bytes).</summary>
    public static byte[] Packet(int pid, bool unitStart, int continuity, ReadOnlySpan<byte> payload, bool reuse = false)
    {
        var packet = reuse ? (t_reused ??= new byte[TsPacketHeader.PacketSize]) : new byte[TsPacketHeader.PacketSize];
        packet[0] = TsPacketHeader.SyncByte;
        packet[1] = (byte)((unitStart ? 0x40 : 0) | (pid >> 8));
        packet[2] = (byte)pid;
        int stuffing = 184 - payload.Length;
        if (stuffing == 0)
        {
            packet[3] = (byte)(0x10 | continuity);
            payload.CopyTo(packet.AsSpan(4));
            return packet;
        }

        packet[3] = (byte)(0x30 | continuity);
        packet[4] = (byte)(stuffing - 1);
        if (stuffing > 1)
        {
            packet[5] = 0;
            packet.AsSpan(6, stuffing - 2).Fill(0xFF);
        }

        payload.CopyTo(packet.AsSpan(4 + stuffing));
        return packet;
    }

    /// <summary>A long-form section with a correct CRC: <paramref name="tableId"/>, <paramref name="extension"/>, version 0, then <paramref name="body"/>.</summary>
    public static byte[] Section(byte tableId, int extension, ReadOnlySpan<byte> body)
    {
        int sectionLength = 5 + body.Length + 4;
        var section = new byte[3 + sectionLength];
        section[0] = tableId;
        section[1] = (byte)(0xB0 | (sectionLength >> 8));
        section[2] = (byte)sectionLength;
        section[3] = (byte)(extension >> 8);
        section[4] = (byte)extension;
        section[5] = 0xC1; // version 0, current
        body.CopyTo(section.AsSpan(8));
        uint crc = MpegCrc32.Compute(section.AsSpan(0, section.Length - 4));
        section[^4] = (byte)(crc >> 24);
        section[^3] = (byte)(crc >> 16);
        section[^2] = (byte)(crc >> 8);
        section[^1] = (byte)crc;
        return section;
    }

    /// <summary>A PES of <paramref name="streamId"/> with an optional PTS/DTS and a declared length (<paramref name="bounded"/>) or 0.</summary>
    public static byte[] Pes(byte streamId, long? pts, long? dts, ReadOnlySpan<byte> payload, bool bounded)
    {
        int flags = pts is null ? 0 : dts is null ? 2 : 3;
        int headerData = flags == 0 ? 0 : flags == 2 ? 5 : 10;
        var pes = new byte[9 + headerData + payload.Length];
        pes[2] = 1;
        pes[3] = streamId;
        int length = bounded ? pes.Length - 6 : 0;
        pes[4] = (byte)(length >> 8);
        pes[5] = (byte)length;
        pes[6] = 0x80;
        pes[7] = (byte)(flags << 6);
        pes[8] = (byte)headerData;
        if (pts is { } p)
        {
            WriteTimestamp(pes.AsSpan(9), flags == 3 ? 3 : 2, p);
        }

        if (dts is { } d)
        {
            WriteTimestamp(pes.AsSpan(14), 1, d);
        }

        payload.CopyTo(pes.AsSpan(9 + headerData));
        return pes;
    }

    /// <summary>The TS packets of one PES on <paramref name="pid"/>, continuing <paramref name="continuity"/>.</summary>
    public static IEnumerable<byte[]> Packetize(int pid, byte[] pes, Func<int> continuity)
    {
        for (int offset = 0; offset < pes.Length; offset += 184)
        {
            yield return Packet(pid, offset == 0, continuity(), pes.AsSpan(offset, Math.Min(184, pes.Length - offset)));
        }
    }

    private static void WriteTimestamp(Span<byte> field, int prefix, long value)
    {
        field[0] = (byte)((prefix << 4) | (int)((value >> 29) & 0x0E) | 1);
        field[1] = (byte)(value >> 22);
        field[2] = (byte)(((value >> 14) & 0xFE) | 1);
        field[3] = (byte)(value >> 7);
        field[4] = (byte)(((value << 1) & 0xFE) | 1);
    }
}
