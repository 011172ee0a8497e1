namespace Lkm.Sdk.Rtp;

/// <summary>
/// Cuts one frame (a PS pack, a TS chunk, any payload sent as a run of RTP packets) into RTP packets of at most
/// <see cref="MaxPayload"/> bytes: sequence numbers go on from packet to packet (wrapping at 65535), every packet
/// of the frame carries its 90 kHz time stamp, the last one the marker bit. What the GB28181 device simulator and
/// a cascade forward send. Not thread safe.
/// </summary>
public sealed class RtpPacketizer
{
    private readonly byte _payloadType;
    private readonly uint _ssrc;
    private ushort _sequence;

    /// <summary>A packetizer for <paramref name="ssrc"/> with <paramref name="payloadType"/> (96 for GB28181's PS), starting at <paramref name="firstSequence"/>.</summary>
    public RtpPacketizer(byte payloadType, uint ssrc, ushort firstSequence = 0, int maxPayload = 1400)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPayload, Rfc4571Framing.MaxPacketLength - RtpHeader.FixedLength);
        _payloadType = payloadType;
        _ssrc = ssrc;
        _sequence = firstSequence;
        MaxPayload = maxPayload;
    }

    /// <summary>Largest payload per packet (1,400 keeps a packet under a 1,500-byte MTU with IP/UDP headers).</summary>
    public int MaxPayload { get; }

    /// <summary>The sequence number the next packet gets.</summary>
    public ushort NextSequence => _sequence;

    /// <summary>
    /// Hands each packet of <paramref name="frame"/> to <paramref name="send"/> in a buffer of <see cref="RtpHeader.FixedLength"/>
    /// + payload bytes (valid during the call); returns how many packets were sent.
    /// </summary>
    public int Packetize(ReadOnlySpan<byte> frame, uint timestamp90k, Span<byte> scratch, RtpPacketSender send)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfLessThan(scratch.Length, RtpHeader.FixedLength + Math.Min(MaxPayload, Math.Max(frame.Length, 1)), nameof(scratch));
        int packets = 0;
        do
        {
            var part = frame[..Math.Min(frame.Length, MaxPayload)];
            frame = frame[part.Length..];
            new RtpHeader(_payloadType, _sequence++, timestamp90k, _ssrc, marker: frame.IsEmpty).Write(scratch);
            part.CopyTo(scratch[RtpHeader.FixedLength..]);
            send(scratch[..(RtpHeader.FixedLength + part.Length)]);
            packets++;
        }
        while (!frame.IsEmpty);
        return packets;
    }
}

/// <summary>Receives one RTP packet from <see cref="RtpPacketizer.Packetize"/>; the span is valid only during the call.</summary>
public delegate void RtpPacketSender(ReadOnlySpan<byte> packet);
