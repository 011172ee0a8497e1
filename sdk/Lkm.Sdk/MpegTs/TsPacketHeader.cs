namespace Lkm.Sdk.MpegTs;

/// <summary>
/// The 4-byte header of a 188-byte transport stream packet (ISO/IEC 13818-1 2.4.3.2) with what its adaptation
/// field says (2.4.3.4), and where the payload starts.
/// </summary>
/// <param name="Pid">The packet identifier (13 bits).</param>
/// <param name="PayloadUnitStart">payload_unit_start_indicator: a PES packet or a PSI section starts in this packet.</param>
/// <param name="TransportError">transport_error_indicator: the packet is known to be damaged.</param>
/// <param name="Scrambled">transport_scrambling_control is not 0.</param>
/// <param name="HasPayload">adaptation_field_control says a payload follows.</param>
/// <param name="ContinuityCounter">The 4-bit counter that increments with each payload packet of a PID.</param>
/// <param name="Discontinuity">discontinuity_indicator of the adaptation field: the counter (or the clock) may jump here.</param>
/// <param name="RandomAccess">random_access_indicator of the adaptation field: a keyframe or an audio frame starts here.</param>
/// <param name="PayloadOffset">Index in the packet of the first payload byte (188 when there is none).</param>
public readonly record struct TsPacketHeader(int Pid, bool PayloadUnitStart, bool TransportError, bool Scrambled, bool HasPayload,
    int ContinuityCounter, bool Discontinuity, bool RandomAccess, int PayloadOffset)
{
    /// <summary>Bytes of a transport stream packet.</summary>
    public const int PacketSize = 188;

    /// <summary>The sync byte every packet starts with.</summary>
    public const byte SyncByte = 0x47;

    /// <summary>The null packet PID (stuffing).</summary>
    public const int NullPid = 0x1FFF;

    /// <summary>The payload bytes of <paramref name="packet"/> described by this header.</summary>
    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet) => packet[PayloadOffset..PacketSize];

    /// <summary>
    /// Parses the header and adaptation field of one 188-byte packet. Throws <see cref="TsFormatException"/> for a
    /// short packet, a missing sync byte or an adaptation field longer than the packet.
    /// </summary>
    public static TsPacketHeader Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < PacketSize)
        {
            throw new TsFormatException($"TS packet of {packet.Length} bytes, expected {PacketSize}.");
        }

        if (packet[0] != SyncByte)
        {
            throw new TsFormatException($"TS sync byte missing (0x{packet[0]:X2}).");
        }

        bool transportError = (packet[1] & 0x80) != 0;
        bool payloadUnitStart = (packet[1] & 0x40) != 0;
        int pid = ((packet[1] & 0x1F) << 8) | packet[2];
        bool scrambled = (packet[3] & 0xC0) != 0;
        int adaptationControl = (packet[3] >> 4) & 0x03;
        int continuity = packet[3] & 0x0F;
        if (adaptationControl == 0)
        {
            throw new TsFormatException("TS adaptation_field_control 0 is reserved.");
        }

        bool hasAdaptation = (adaptationControl & 0x02) != 0;
        bool hasPayload = (adaptationControl & 0x01) != 0;
        int offset = 4;
        bool discontinuity = false, randomAccess = false;
        if (hasAdaptation)
        {
            int length = packet[4];
            int limit = hasPayload ? 182 : 183;
            if (length > limit)
            {
                throw new TsFormatException($"TS adaptation field of {length} bytes does not fit the packet.");
            }

            if (length > 0)
            {
                discontinuity = (packet[5] & 0x80) != 0;
                randomAccess = (packet[5] & 0x40) != 0;
            }

            offset = 5 + length;
        }

        return new TsPacketHeader(pid, payloadUnitStart, transportError, scrambled, hasPayload, continuity, discontinuity, randomAccess,
            hasPayload ? offset : PacketSize);
    }
}
