using Lkm.Sdk.Rtp;
using Lkm.Sdk.Tests.Support;

namespace Lkm.Sdk.Tests.Rtp;

public class RtpHeaderTests
{
    [Fact]
    public void Parses_the_fixed_header_fields()
    {
        // V=2, M=1, PT=96, seq 0x1234, ts 0xAABBCCDD, SSRC 0x01020304, payload 3 bytes.
        var packet = Hex.Bytes("80e01234aabbccdd01020304010203");
        Assert.True(RtpHeader.TryParse(packet, out var header, out int offset, out int length, out var error));
        Assert.Equal(RtpParseError.None, error);
        Assert.True(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(0x1234, header.SequenceNumber);
        Assert.Equal(0xAABBCCDDu, header.Timestamp);
        Assert.Equal(0x01020304u, header.Ssrc);
        Assert.Equal(12, offset);
        Assert.Equal(3, length);
        Assert.Equal(12, header.HeaderLength);
    }

    [Fact]
    public void Skips_csrcs_and_extension_and_strips_padding()
    {
        // CC=2, X=1, P=1; extension profile 0xBEDE, 1 word; payload "AB"; 3 bytes of padding (count 3).
        var packet = Hex.Bytes("b2" + "60" + "0001" + "00000001" + "0a0b0c0d" + "11111111" + "22222222" + "bede0001" + "10ff0000" + "4142" + "000003");
        Assert.True(RtpHeader.TryParse(packet, out var header, out int offset, out int length));
        Assert.Equal(2, header.CsrcCount);
        Assert.Equal(0x11111111u, header.GetCsrc(packet, 0));
        Assert.Equal(0x22222222u, header.GetCsrc(packet, 1));
        Assert.True(header.HasExtension);
        Assert.Equal(0xBEDE, header.ExtensionProfile);
        Assert.Equal(Hex.Bytes("10ff0000"), header.GetExtension(packet).ToArray());
        Assert.Equal(3, header.PaddingLength);
        Assert.Equal(header.HeaderLength, offset);
        Assert.Equal("AB"u8.ToArray(), packet.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void Padding_may_take_the_whole_payload()
    {
        var packet = Hex.Bytes("a0600001000000010a0b0c0d" + "00000004");
        Assert.True(RtpHeader.TryParse(packet, out _, out int offset, out int length));
        Assert.Equal(12, offset);
        Assert.Equal(0, length);
    }

    [Theory]
    [InlineData("80600001000000010a0b0c", RtpParseError.TooShort)]
    [InlineData("40600001000000010a0b0c0d", RtpParseError.UnsupportedVersion)]
    [InlineData("c0600001000000010a0b0c0d", RtpParseError.UnsupportedVersion)]
    [InlineData("81600001000000010a0b0c0d010203", RtpParseError.CsrcListTruncated)]
    [InlineData("90600001000000010a0b0c0dbede", RtpParseError.ExtensionTruncated)]
    [InlineData("90600001000000010a0b0c0dbede0002aabbccdd", RtpParseError.ExtensionTruncated)]
    [InlineData("a0600001000000010a0b0c0d414200", RtpParseError.InvalidPadding)]
    [InlineData("a0600001000000010a0b0c0d414204", RtpParseError.InvalidPadding)]
    public void Refuses_bad_packets_with_the_reason(string hex, RtpParseError expected)
    {
        Assert.False(RtpHeader.TryParse(Hex.Bytes(hex), out _, out _, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Write_then_parse_round_trips()
    {
        var header = new RtpHeader(8, 65535, uint.MaxValue, 0xDEADBEEF, marker: true);
        Span<byte> bytes = stackalloc byte[RtpHeader.FixedLength];
        Assert.Equal(12, header.Write(bytes));
        Assert.True(RtpHeader.TryParse(bytes, out var parsed, out int offset, out int length));
        Assert.Equal(header, parsed);
        Assert.Equal((12, 0), (offset, length));
    }

    [Fact]
    public void With_changes_a_field_and_validates_ranges()
    {
        var header = new RtpHeader(96, 1, 2, 3) with { Ssrc = 42, SequenceNumber = 7 };
        Assert.Equal((42u, (ushort)7), (header.Ssrc, header.SequenceNumber));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpHeader(128, 1, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => header with { CsrcCount = 16 });
    }

    [Fact]
    public void Ssrc_is_read_and_rewritten_in_place()
    {
        var packet = RtpPackets.Build(5, [1, 2, 3], ssrc: 0x01020304);
        Assert.True(RtpHeader.TryReadSsrc(packet, out uint ssrc));
        Assert.Equal(0x01020304u, ssrc);
        Assert.True(RtpHeader.TryRewriteSsrc(packet, 0xCAFEBABE));
        Assert.True(RtpHeader.TryParse(packet, out var header, out _, out int length));
        Assert.Equal((0xCAFEBABEu, (ushort)5, 3), (header.Ssrc, header.SequenceNumber, length));

        var notRtp = Hex.Bytes("40600001000000010a0b0c0d");
        Assert.False(RtpHeader.TryRewriteSsrc(notRtp, 1));
        Assert.Equal(Hex.Bytes("40600001000000010a0b0c0d"), notRtp);
        Assert.False(RtpHeader.TryReadSsrc(notRtp.AsSpan(0, 11), out _));
    }
}
