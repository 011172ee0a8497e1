using System.Buffers.Binary;

namespace Lkm.Sdk.Rtp;

/// <summary>
/// RTP over a byte stream (RFC 4571): each packet is preceded by its length as a 16-bit big-endian number
/// (GB28181 TCP active and passive). Reading is <see cref="Rfc4571FrameReader"/>.
/// </summary>
public static class Rfc4571Framing
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int PrefixLength = 2;

    /// <summary>The longest packet the 16-bit prefix can state.</summary>
    public const int MaxPacketLength = ushort.MaxValue;

    /// <summary>
    /// Writes the prefix of a packet of <paramref name="packetLength"/> bytes (1 to 65535) into the first 2 bytes
    /// of <paramref name="destination"/>; returns 2.
    /// </summary>
    public static int WritePrefix(Span<byte> destination, int packetLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packetLength, MaxPacketLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)packetLength);
        return PrefixLength;
    }
}
