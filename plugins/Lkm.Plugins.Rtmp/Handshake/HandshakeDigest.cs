using System.Security.Cryptography;
using System.Text;

namespace Lkm.Plugins.Rtmp.Handshake;

/// <summary>The HMAC-SHA256 digests of the Flash-era ("complex") RTMP handshake.</summary>
internal static class HandshakeDigest
{
    public const int DigestLength = 32;

    /// <summary>Bytes of the Flash Player key used to sign C1 ("Genuine Adobe Flash Player 001").</summary>
    public const int PlayerKeyOpenLength = 30;

    /// <summary>Bytes of the Flash Media Server key used to sign S1 ("Genuine Adobe Flash Media Server 001").</summary>
    public const int ServerKeyOpenLength = 36;

    private static readonly byte[] s_keySuffix =
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    /// <summary>"Genuine Adobe Flash Player 001" + 32 constant bytes.</summary>
    public static readonly byte[] PlayerKey = [.. Encoding.ASCII.GetBytes("Genuine Adobe Flash Player 001"), .. s_keySuffix];

    /// <summary>"Genuine Adobe Flash Media Server 001" + 32 constant bytes.</summary>
    public static readonly byte[] ServerKey = [.. Encoding.ASCII.GetBytes("Genuine Adobe Flash Media Server 001"), .. s_keySuffix];

    public static int GetDigestOffset(ReadOnlySpan<byte> packet, DigestScheme scheme)
    {
        int block = scheme == DigestScheme.Scheme0 ? 8 : 772;
        int sum = packet[block] + packet[block + 1] + packet[block + 2] + packet[block + 3];
        return (sum % 728) + block + 4;
    }

    /// <summary>HMAC-SHA256 over the packet without the 32 digest bytes at <paramref name="offset"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> packet, int offset, ReadOnlySpan<byte> key, Span<byte> digest)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(packet[..offset]);
        hmac.AppendData(packet[(offset + DigestLength)..]);
        hmac.GetHashAndReset(digest);
    }

    /// <summary>Finds a valid Flash Player digest in C1; returns its offset or -1.</summary>
    public static int FindClientDigest(ReadOnlySpan<byte> c1, out DigestScheme scheme)
    {
        Span<byte> expected = stackalloc byte[DigestLength];
        foreach (var candidate in (ReadOnlySpan<DigestScheme>)[DigestScheme.Scheme0, DigestScheme.Scheme1])
        {
            int offset = GetDigestOffset(c1, candidate);
            Compute(c1, offset, PlayerKey.AsSpan(0, PlayerKeyOpenLength), expected);
            if (CryptographicOperations.FixedTimeEquals(expected, c1.Slice(offset, DigestLength)))
            {
                scheme = candidate;
                return offset;
            }
        }

        scheme = default;
        return -1;
    }
}
