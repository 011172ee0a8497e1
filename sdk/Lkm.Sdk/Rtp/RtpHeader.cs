using System.Buffers.Binary;

namespace Lkm.Sdk.Rtp;

/// <summary>
/// The header of an RTP packet (RFC 3550 5.1): the fixed 12 bytes, plus where the CSRC list and the header
/// extension (5.3.1) sit in the packet it was parsed from. A value type with no references, so parsing allocates
/// nothing. A header built for writing (<see cref="RtpHeader(byte, ushort, uint, uint, bool)"/>, <c>with</c>)
/// describes the fixed 12 bytes only.
/// </summary>
public readonly struct RtpHeader : IEquatable<RtpHeader>
{
    /// <summary>Bytes of the fixed header (no CSRC, no extension).</summary>
    public const int FixedLength = 12;

    /// <summary>The only RTP version there is.</summary>
    public const int Version = 2;

    private readonly byte _payloadType;
    private readonly byte _csrcCount;

    /// <summary>A plain header (no padding, CSRC or extension), for a muxer or forwarder to <see cref="Write"/>.</summary>
    public RtpHeader(byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, bool marker = false)
    {
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        Marker = marker;
    }

    /// <summary>The P bit: the packet ends with padding (parsing strips it; see <see cref="PaddingLength"/>).</summary>
    public bool HasPadding { get; init; }

    /// <summary>The X bit: a header extension follows the CSRC list.</summary>
    public bool HasExtension { get; init; }

    /// <summary>Number of CSRC identifiers after the fixed header (0 to 15).</summary>
    public int CsrcCount
    {
        get => _csrcCount;
        init => _csrcCount = value is >= 0 and <= 15 ? (byte)value : throw new ArgumentOutOfRangeException(nameof(value), value, "CSRC count is 0 to 15.");
    }

    /// <summary>The M bit (for video: the last packet of a frame).</summary>
    public bool Marker { get; init; }

    /// <summary>Payload type, 0 to 127.</summary>
    public byte PayloadType
    {
        get => _payloadType;
        init => _payloadType = value <= 127 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Payload type is 0 to 127.");
    }

    /// <summary>Sequence number (wraps at 65535).</summary>
    public ushort SequenceNumber { get; init; }

    /// <summary>Media timestamp in the payload's clock (90 kHz for video).</summary>
    public uint Timestamp { get; init; }

    /// <summary>Synchronization source identifier.</summary>
    public uint Ssrc { get; init; }

    /// <summary>The extension's 16-bit profile field (0xBEDE: RFC 8285 one-byte elements; 0x100x: two-byte); 0 without extension.</summary>
    public ushort ExtensionProfile { get; init; }

    /// <summary>Offset in the packet of the extension data (after its 4-byte head); 0 without extension.</summary>
    public int ExtensionOffset { get; init; }

    /// <summary>Bytes of extension data (its length field times 4); 0 without extension.</summary>
    public int ExtensionLength { get; init; }

    /// <summary>Padding bytes at the end of the parsed packet (the count byte included); 0 without padding.</summary>
    public int PaddingLength { get; init; }

    /// <summary>Bytes from the start of the packet to the payload: fixed header, CSRC list, extension.</summary>
    public int HeaderLength => FixedLength + (4 * CsrcCount) + (HasExtension ? 4 + ExtensionLength : 0);

    /// <summary>Parses the header of <paramref name="packet"/>; see the overload with the reason.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header, out int payloadOffset, out int payloadLength) =>
        TryParse(packet, out header, out payloadOffset, out payloadLength, out _);

    /// <summary>
    /// Parses the header of <paramref name="packet"/> (one whole RTP packet). On success the payload is
    /// <c>packet.Slice(payloadOffset, payloadLength)</c>: after the CSRC list and the extension, padding stripped
    /// (it may be empty). On failure returns false with the reason in <paramref name="error"/>; never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header, out int payloadOffset, out int payloadLength, out RtpParseError error)
    {
        header = default;
        payloadOffset = 0;
        payloadLength = 0;
        if (packet.Length < FixedLength)
        {
            error = RtpParseError.TooShort;
            return false;
        }

        byte b0 = packet[0];
        if (b0 >> 6 != Version)
        {
            error = RtpParseError.UnsupportedVersion;
            return false;
        }

        int csrcCount = b0 & 0x0F;
        int offset = FixedLength + (4 * csrcCount);
        if (offset > packet.Length)
        {
            error = RtpParseError.CsrcListTruncated;
            return false;
        }

        bool hasExtension = (b0 & 0x10) != 0;
        ushort profile = 0;
        int extensionOffset = 0, extensionLength = 0;
        if (hasExtension)
        {
            if (offset + 4 > packet.Length)
            {
                error = RtpParseError.ExtensionTruncated;
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            extensionOffset = offset + 4;
            if (extensionLength > packet.Length - extensionOffset)
            {
                error = RtpParseError.ExtensionTruncated;
                return false;
            }

            offset = extensionOffset + extensionLength;
        }

        bool hasPadding = (b0 & 0x20) != 0;
        int padding = 0;
        if (hasPadding)
        {
            // The last byte counts the padding, itself included (RFC 3550 5.1): 0 is not a count, and it may not reach into the header.
            padding = packet[^1];
            if (padding == 0 || padding > packet.Length - offset)
            {
                error = RtpParseError.InvalidPadding;
                return false;
            }
        }

        byte b1 = packet[1];
        header = new RtpHeader
        {
            HasPadding = hasPadding,
            HasExtension = hasExtension,
            CsrcCount = csrcCount,
            Marker = (b1 & 0x80) != 0,
            PayloadType = (byte)(b1 & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            ExtensionProfile = profile,
            ExtensionOffset = extensionOffset,
            ExtensionLength = extensionLength,
            PaddingLength = padding,
        };
        payloadOffset = offset;
        payloadLength = packet.Length - offset - padding;
        error = RtpParseError.None;
        return true;
    }

    /// <summary>
    /// Reads the SSRC of what looks like an RTP packet (version 2, at least 12 bytes) without parsing the rest:
    /// enough to route datagrams of a shared port by SSRC.
    /// </summary>
    public static bool TryReadSsrc(ReadOnlySpan<byte> packet, out uint ssrc)
    {
        if (packet.Length < FixedLength || packet[0] >> 6 != Version)
        {
            ssrc = 0;
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        return true;
    }

    /// <summary>
    /// Overwrites the SSRC of an RTP packet in place (a cascade re-sends a device's packets under the SSRC the
    /// upper platform asked for); false, untouched, when <paramref name="packet"/> is not a version-2 packet of at least 12 bytes.
    /// </summary>
    public static bool TryRewriteSsrc(Span<byte> packet, uint ssrc)
    {
        if (packet.Length < FixedLength || packet[0] >> 6 != Version)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
        return true;
    }

    /// <summary>The <paramref name="index"/>th CSRC of <paramref name="packet"/>, the packet this header was parsed from.</summary>
    public uint GetCsrc(ReadOnlySpan<byte> packet, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedLength + (4 * index))..]);
    }

    /// <summary>The extension data of <paramref name="packet"/>, the packet this header was parsed from (empty without extension).</summary>
    public ReadOnlySpan<byte> GetExtension(ReadOnlySpan<byte> packet) => packet.Slice(ExtensionOffset, ExtensionLength);

    /// <summary>
    /// Writes the fixed 12 bytes (version 2 and the fields of this header, flags included) and returns 12. A header
    /// with CSRCs or an extension needs those bytes written after it by the caller: this struct holds only their place.
    /// </summary>
    public int Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, FixedLength, nameof(destination));
        destination[0] = (byte)((Version << 6) | (HasPadding ? 0x20 : 0) | (HasExtension ? 0x10 : 0) | CsrcCount);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        return FixedLength;
    }

    /// <inheritdoc/>
    public bool Equals(RtpHeader other) =>
        HasPadding == other.HasPadding && HasExtension == other.HasExtension && CsrcCount == other.CsrcCount && Marker == other.Marker
        && PayloadType == other.PayloadType && SequenceNumber == other.SequenceNumber && Timestamp == other.Timestamp && Ssrc == other.Ssrc
        && ExtensionProfile == other.ExtensionProfile && ExtensionOffset == other.ExtensionOffset && ExtensionLength == other.ExtensionLength
        && PaddingLength == other.PaddingLength;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RtpHeader other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(SequenceNumber, Timestamp, Ssrc, PayloadType, Marker, CsrcCount, ExtensionLength, PaddingLength);

    /// <summary>Equal fields.</summary>
    public static bool operator ==(RtpHeader left, RtpHeader right) => left.Equals(right);

    /// <summary>Some field differs.</summary>
    public static bool operator !=(RtpHeader left, RtpHeader right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => $"RTP PT={PayloadType} seq={SequenceNumber} ts={Timestamp} ssrc={Ssrc:X8}{(Marker ? " M" : string.Empty)}";
}
