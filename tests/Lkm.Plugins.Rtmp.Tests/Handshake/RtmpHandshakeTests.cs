using System.Security.Cryptography;
using System.Text;
using Lkm.Plugins.Rtmp.Handshake;
using Lkm.Plugins.Rtmp.Protocol;

namespace Lkm.Plugins.Rtmp.Tests.Handshake;

/// <summary>
/// The server side of the handshake against C1 packets built here from the published algorithm
/// (as librtmp/ffmpeg implement it), not from the plugin's own digest code.
/// </summary>
public class RtmpHandshakeTests
{
    private static readonly byte[] s_constant =
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    private static readonly byte[] s_playerKey = Encoding.ASCII.GetBytes("Genuine Adobe Flash Player 001");
    private static readonly byte[] s_serverKey = Encoding.ASCII.GetBytes("Genuine Adobe Flash Media Server 001");

    /// <summary>Scheme 0: offset from bytes 8..11, base 12; scheme 1: from bytes 772..775, base 776.</summary>
    private static int DigestOffset(byte[] packet, int scheme)
    {
        int at = scheme == 0 ? 8 : 772;
        return ((packet[at] + packet[at + 1] + packet[at + 2] + packet[at + 3]) % 728) + at + 4;
    }

    private static byte[] Hmac(byte[] key, byte[] packet, int digestOffset)
    {
        var message = packet[..digestOffset].Concat(packet[(digestOffset + 32)..]).ToArray();
        return HMACSHA256.HashData(key, message);
    }

    private static byte[] DigestC0C1(int scheme, int seed)
    {
        var c1 = new byte[1536];
        new Random(seed).NextBytes(c1);
        c1[4] = 9; // client version 9.0.124.2, as ffmpeg sends
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        int offset = DigestOffset(c1, scheme);
        Hmac(s_playerKey, c1, offset).CopyTo(c1, offset);
        return [3, .. c1];
    }

    [Fact]
    public void A_plain_c1_gets_an_echo_in_s2()
    {
        var c0c1 = new byte[RtmpHandshake.RequestSize];
        new Random(1).NextBytes(c0c1);
        c0c1[0] = 3;
        c0c1.AsSpan(5, 4).Clear(); // plain clients send zeros after the time
        var response = new byte[RtmpHandshake.ResponseSize];

        var kind = RtmpHandshake.WriteResponse(c0c1, response);

        Assert.Equal(HandshakeKind.Plain, kind);
        Assert.Equal(3, response[0]);
        Assert.Equal(new byte[4], response[5..9]); // S1 zero field: no digest announced
        Assert.Equal(c0c1[1..], response[(1 + 1536)..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_digest_c1_gets_a_signed_s1_and_s2(int scheme)
    {
        var c0c1 = DigestC0C1(scheme, 10 + scheme);
        var response = new byte[RtmpHandshake.ResponseSize];

        var kind = RtmpHandshake.WriteResponse(c0c1, response);

        Assert.Equal(scheme == 0 ? HandshakeKind.DigestScheme0 : HandshakeKind.DigestScheme1, kind);
        var s1 = response[1..1537];
        var s2 = response[1537..];

        // S1 carries a digest with the server key at the client's scheme; ffmpeg checks it when it plays.
        Assert.True(s1[4] >= 3, "S1 must announce a version so clients look for its digest");
        int serverOffset = DigestOffset(s1, scheme);
        Assert.Equal(Hmac(s_serverKey, s1, serverOffset), s1[serverOffset..(serverOffset + 32)]);

        // S2's last 32 bytes: HMAC(HMAC(server key + constant, C1 digest), S2 without them).
        var c1 = c0c1[1..];
        int clientOffset = DigestOffset(c1, scheme);
        byte[] fullServerKey = [.. s_serverKey, .. s_constant];
        var key = HMACSHA256.HashData(fullServerKey, c1[clientOffset..(clientOffset + 32)]);
        Assert.Equal(HMACSHA256.HashData(key, s2[..1504]), s2[1504..]);
    }

    [Fact]
    public void A_signed_c1_with_a_zero_version_field_is_a_plain_client()
    {
        // The spec's C1 has zeros after the time; a digest in such a packet is noise, not a signature.
        var c0c1 = DigestC0C1(0, 4);
        c0c1.AsSpan(5, 4).Clear();
        int offset = DigestOffset(c0c1[1..], 0);
        Hmac(s_playerKey, c0c1[1..], offset).CopyTo(c0c1, 1 + offset);
        var response = new byte[RtmpHandshake.ResponseSize];

        Assert.Equal(HandshakeKind.Plain, RtmpHandshake.WriteResponse(c0c1, response));
        Assert.Equal(c0c1[1..], response[1537..]);
    }

    [Fact]
    public void A_c1_with_a_wrong_digest_gets_the_plain_answer()
    {
        var c0c1 = DigestC0C1(0, 3);
        c0c1[1 + DigestOffset(c0c1[1..], 0)] ^= 0xFF;
        var response = new byte[RtmpHandshake.ResponseSize];

        Assert.Equal(HandshakeKind.Plain, RtmpHandshake.WriteResponse(c0c1, response));
        Assert.Equal(c0c1[1..], response[1537..]);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(0)]
    [InlineData(0x47)]
    public void Other_versions_are_protocol_errors(byte version)
    {
        var c0c1 = new byte[RtmpHandshake.RequestSize];
        c0c1[0] = version;

        Assert.Throws<RtmpProtocolException>(() => RtmpHandshake.WriteResponse(c0c1, new byte[RtmpHandshake.ResponseSize]));
    }
}
