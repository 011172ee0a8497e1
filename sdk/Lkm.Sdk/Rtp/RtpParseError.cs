namespace Lkm.Sdk.Rtp;

/// <summary>Why <see cref="RtpHeader.TryParse(ReadOnlySpan{byte}, out RtpHeader, out int, out int, out RtpParseError)"/> refused a packet (RFC 3550 5.1, A.1).</summary>
public enum RtpParseError
{
    /// <summary>The packet parsed.</summary>
    None = 0,

    /// <summary>Shorter than the 12-byte fixed header.</summary>
    TooShort,

    /// <summary>The version field is not 2.</summary>
    UnsupportedVersion,

    /// <summary>The CSRC count names more identifiers than the packet holds.</summary>
    CsrcListTruncated,

    /// <summary>The X bit is set but the header extension (or its 4-byte head) runs past the packet.</summary>
    ExtensionTruncated,

    /// <summary>The P bit is set but the padding count is 0 or larger than what follows the header.</summary>
    InvalidPadding,
}
