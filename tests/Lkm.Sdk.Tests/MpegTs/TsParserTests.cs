using Lkm.Sdk.MpegTs;

namespace Lkm.Sdk.Tests.MpegTs;

public class TsParserTests
{
    [Fact]
    public void Packet_header_and_adaptation_field_are_read()
    {
        var packet = TsBuilder.Packet(0x101, unitStart: true, continuity: 7, [1, 2, 3]);
        packet[5] = 0xC0; // discontinuity + random access

        var header = TsPacketHeader.Parse(packet);

        Assert.Equal(0x101, header.Pid);
        Assert.True(header.PayloadUnitStart);
        Assert.Equal(7, header.ContinuityCounter);
        Assert.True(header.Discontinuity);
        Assert.True(header.RandomAccess);
        Assert.Equal([1, 2, 3], header.Payload(packet).ToArray());
    }

    [Fact]
    public void Bad_packets_throw_the_format_exception()
    {
        var packet = TsBuilder.Packet(0x101, unitStart: false, continuity: 0, new byte[184]);
        Assert.Throws<TsFormatException>(() => TsPacketHeader.Parse(packet.AsSpan(0, 100)));
        packet[0] = 0x48;
        Assert.Throws<TsFormatException>(() => TsPacketHeader.Parse(packet));
        packet[0] = 0x47;
        packet[3] = 0x30; // adaptation + payload
        packet[4] = 183;  // longer than the room left for it
        Assert.Throws<TsFormatException>(() => TsPacketHeader.Parse(packet));
        packet[3] = 0x00; // reserved adaptation_field_control
        Assert.Throws<TsFormatException>(() => TsPacketHeader.Parse(packet));
    }

    [Fact]
    public void Pat_and_pmt_sections_are_read_and_their_crc_checked()
    {
        var pat = TsBuilder.Section(0x00, 1, [0, 0, 0xE0, 0x10, 0, 1, 0xF0, 0x00]);
        var table = ProgramAssociationTable.Parse(pat);
        Assert.Equal([(1, 0x1000)], table.Programs);

        var pmt = TsBuilder.Section(0x02, 1,
            [0xE1, 0x00, 0xF0, 0x02, 0x0A, 0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x03, 1, 2, 3, 0x06, 0xE1, 0x02, 0xF0, 0x00]);
        var map = ProgramMapTable.Parse(pmt);
        Assert.Equal(0x100, map.PcrPid);
        Assert.Equal([new TsElementaryStream(0x1B, 0x100), new TsElementaryStream(0x0F, 0x101), new TsElementaryStream(0x06, 0x102)], map.Streams);

        pmt[12] ^= 0x01;
        Assert.Throws<TsFormatException>(() => ProgramMapTable.Parse(pmt));
        Assert.Throws<TsFormatException>(() => ProgramMapTable.Parse(pat)); // wrong table
        Assert.Throws<TsFormatException>(() => ProgramAssociationTable.Parse(pat.AsSpan(0, pat.Length - 1)));
    }

    [Fact]
    public void A_pmt_whose_descriptor_length_runs_past_its_end_is_refused()
    {
        var pmt = TsBuilder.Section(0x02, 1, [0xE1, 0x00, 0xF0, 0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x40]);
        Assert.Throws<TsFormatException>(() => ProgramMapTable.Parse(pmt));
    }

    [Fact]
    public void Pes_header_time_stamps_are_read()
    {
        // PTS 0x1_2345_6789 (33 bits) and DTS 90000, as a muxer writes them with marker bits.
        byte[] pes = [0, 0, 1, 0xE0, 0, 0, 0x80, 0xC0, 10, .. Timestamp(0x3, 0x1_2345_6789), .. Timestamp(0x1, 90000), 0xAA];

        var header = PesHeader.Parse(pes);

        Assert.Equal(0xE0, header.StreamId);
        Assert.Equal(0, header.PacketLength);
        Assert.Equal(0x1_2345_6789, header.Pts);
        Assert.Equal(90000, header.Dts);
        Assert.Equal(19, header.HeaderLength);
    }

    [Fact]
    public void Bad_pes_headers_throw_the_format_exception()
    {
        Assert.Throws<TsFormatException>(() => PesHeader.Parse([0, 0, 2, 0xE0, 0, 0, 0x80, 0, 0]));
        Assert.Throws<TsFormatException>(() => PesHeader.Parse([0, 0, 1, 0xE0, 0, 0, 0x80, 0x80, 40, 0x21])); // header longer than the data
        Assert.Throws<TsFormatException>(() => PesHeader.Parse([0, 0, 1, 0xE0, 0, 5, 0x80, 0x00, 8, 0, 0, 0, 0, 0, 0, 0, 0])); // longer than its packet
        Assert.Throws<TsFormatException>(() => PesHeader.Parse([0, 0, 1, 0xE0, 0, 0, 0x80, 0x40, 0])); // PTS_DTS_flags 01
        Assert.Throws<TsFormatException>(() => PesHeader.Parse([0, 0, 1, 0xE0, 0, 0, 0x80, 0x80, 5, 0, 0, 0, 0, 0])); // marker bits missing
    }

    [Fact]
    public void Time_stamps_unwrap_across_the_33_bit_wrap()
    {
        var clock = new MpegTimestampUnwrapper();
        long nearEnd = MpegTimestampUnwrapper.Modulus - 90_000; // one second before the wrap
        Assert.Equal(0, clock.ToMilliseconds(nearEnd));
        Assert.Equal(500, clock.ToMilliseconds(nearEnd + 45_000));
        Assert.Equal(2000, clock.ToMilliseconds(90_000)); // wrapped: one second after the wrap
        Assert.Equal(1960, clock.ToMilliseconds(90_000 - 3600)); // a small step back stays back
        Assert.Equal(3000, clock.ToMilliseconds(180_000));
        Assert.Equal(0, clock.ToMilliseconds(nearEnd - 900_000)); // before the origin clamps at 0
    }

    [Fact]
    public void Crc32_of_a_whole_section_is_zero()
    {
        var section = TsBuilder.Section(0x00, 1, [0, 1, 0xF0, 0x00]);
        Assert.Equal(0u, MpegCrc32.Compute(section));
        Assert.Equal(0x0376E6E7u, MpegCrc32.Compute("123456789"u8)); // CRC-32/MPEG-2 check value
    }

    private static byte[] Timestamp(int prefix, long value) =>
    [
        (byte)((prefix << 4) | (int)((value >> 29) & 0x0E) | 1),
        (byte)(value >> 22),
        (byte)(((value >> 14) & 0xFE) | 1),
        (byte)(value >> 7),
        (byte)(((value << 1) & 0xFE) | 1),
    ];
}
