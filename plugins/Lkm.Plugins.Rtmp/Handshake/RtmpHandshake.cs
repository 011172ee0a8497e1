using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Lkm.Plugins.Rtmp.Handshake;

/// <summary>
/// Server side of the RTMP handshake: answers C0+C1 with S0+S1+S2. When C1 carries a valid Flash
/// Player digest the answer is the digest ("complex") form, which Flash-era clients and ffmpeg in
/// play mode verify; otherwise the plain form (S2 echoes C1).
/// </summary>
public static class RtmpHandshake
{
    public const int PacketSize = 1536;
    public const byte Version = 3;

    /// <summary>C0 + C1.</summary>
    public const int RequestSize = 1 + PacketSize;

    /// <summary>S0 + S1 + S2.</summary>
    public const int ResponseSize = 1 + (2 * PacketSize);

    /// <summary>Version we put in a digest S1 (bytes 4..7; a non-zero version tells clients the digest form is used).</summary>
    private static ReadOnlySpan<byte> ServerVersion => [0x04, 0x05, 0x00, 0x01];

    /// <summary>Throws unless <paramref name="c0"/> is version 3 (plain RTMP).</summary>
    /// <exception cref="Protocol.RtmpProtocolException">Any other version.</exception>
    public static void CheckVersion(byte c0)
    {
        if (c0 != Version)
        {
            throw new Protocol.RtmpProtocolException(c0 is 6 or 8 or 9
                ? $"encrypted RTMP (handshake version {c0}) is not supported"
                : $"unsupported handshake version {c0}");
        }
    }

    /// <summary>Writes S0+S1+S2 for <paramref name="c0c1"/> into <paramref name="response"/> and says which form was used.</summary>
    /// <exception cref="Protocol.RtmpProtocolException">C0 is not version 3 (e.g. RTMPE).</exception>
    public static HandshakeKind WriteResponse(ReadOnlySpan<byte> c0c1, Span<byte> response)
    {
        if (c0c1.Length < RequestSize || response.Length < ResponseSize)
        {
            throw new ArgumentException("C0+C1 needs 1537 bytes and the response 3073.");
        }

        CheckVersion(c0c1[0]);

        var c1 = c0c1.Slice(1, PacketSize);
        var s1 = response.Slice(1, PacketSize);
        var s2 = response.Slice(1 + PacketSize, PacketSize);
        response[0] = Version;

        // A zero version field is a plain client (the spec's C1); only Flash-era clients (ffmpeg,
        // librtmp, Flash) put their version there and sign C1. Skipping the digest search for plain
        // clients spares two HMACs per connection and keeps OpenSSL out of a plain-only server.
        var scheme = DigestScheme.Scheme0;
        int clientOffset = BinaryPrimitives.ReadUInt32BigEndian(c1[4..]) == 0 ? -1 : HandshakeDigest.FindClientDigest(c1, out scheme);
        if (clientOffset < 0)
        {
            // Plain: S1 = time 0, zero, filler; S2 = echo of C1. The filler is not a secret.
            s1[..8].Clear();
            Random.Shared.NextBytes(s1[8..]);
            c1.CopyTo(s2);
            return HandshakeKind.Plain;
        }

        WriteDigestResponse(c1, clientOffset, scheme, s1, s2);
        return scheme == DigestScheme.Scheme0 ? HandshakeKind.DigestScheme0 : HandshakeKind.DigestScheme1;
    }

    /// <summary>S1 and S2 of the digest form.</summary>
    /// <remarks>A method of its own so that compiling the plain path does not load the crypto assemblies.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteDigestResponse(ReadOnlySpan<byte> c1, int clientOffset, DigestScheme scheme, Span<byte> s1, Span<byte> s2)
    {
        // S1: time, server version, random, with the server digest at the client's scheme position.
        BinaryPrimitives.WriteUInt32BigEndian(s1, 0);
        ServerVersion.CopyTo(s1[4..]);
        RandomNumberGenerator.Fill(s1[8..]);
        int serverOffset = HandshakeDigest.GetDigestOffset(s1, scheme);
        HandshakeDigest.Compute(s1, serverOffset, HandshakeDigest.ServerKey.AsSpan(0, HandshakeDigest.ServerKeyOpenLength), s1.Slice(serverOffset, HandshakeDigest.DigestLength));

        // S2: random, signed with a key derived from the client's digest.
        RandomNumberGenerator.Fill(s2);
        Span<byte> key = stackalloc byte[HandshakeDigest.DigestLength];
        HMACSHA256.HashData(HandshakeDigest.ServerKey, c1.Slice(clientOffset, HandshakeDigest.DigestLength), key);
        int signed = PacketSize - HandshakeDigest.DigestLength;
        HMACSHA256.HashData(key, s2[..signed], s2[signed..]);
    }
}
