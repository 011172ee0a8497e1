using Lkm.Sdk.Buffers;

namespace Lkm.Sdk.Rtp;

/// <summary>
/// One received RTP packet in a pooled buffer, with its parsed header. Ownership rule: a packet value carries one
/// reference of <see cref="Buffer"/>; whoever holds it last calls <see cref="Release"/> once (or passes it on,
/// e.g. to <see cref="RtpReorderBuffer.Push"/>, which then owns it). Copies of the struct share that one reference.
/// </summary>
public readonly struct RtpPacket
{
    /// <summary>A packet over <paramref name="buffer"/> whose header was parsed as <paramref name="header"/>, payload at the given range of the buffer.</summary>
    public RtpPacket(PooledBuffer buffer, RtpHeader header, int payloadOffset, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Buffer = buffer;
        Header = header;
        PayloadOffset = payloadOffset;
        PayloadLength = payloadLength;
    }

    /// <summary>The whole packet, header included (e.g. to forward it unchanged).</summary>
    public PooledBuffer Buffer { get; }

    /// <summary>The parsed header.</summary>
    public RtpHeader Header { get; }

    /// <summary>Offset of the payload in <see cref="Buffer"/>.</summary>
    public int PayloadOffset { get; }

    /// <summary>Bytes of payload (padding excluded).</summary>
    public int PayloadLength { get; }

    /// <summary>The payload; valid while the reference is held.</summary>
    public Memory<byte> Payload => Buffer.Memory.Slice(PayloadOffset, PayloadLength);

    /// <summary>
    /// Parses <paramref name="buffer"/> as one RTP packet. On success the packet takes over the caller's reference;
    /// on failure (the reason in <paramref name="error"/>) the caller still owns the buffer.
    /// </summary>
    public static bool TryCreate(PooledBuffer buffer, out RtpPacket packet, out RtpParseError error)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!RtpHeader.TryParse(buffer.Span, out var header, out int offset, out int length, out error))
        {
            packet = default;
            return false;
        }

        packet = new RtpPacket(buffer, header, offset, length);
        return true;
    }

    /// <summary>Gives back the packet's reference of <see cref="Buffer"/>.</summary>
    public void Release() => Buffer.Release();
}
