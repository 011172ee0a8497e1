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
}
