namespace Lkm.Sdk.Rtp;

/// <summary>What one <see cref="Rfc4571FrameReader.TryRead"/> call found.</summary>
public enum Rfc4571ReadStatus
{
    /// <summary>The buffer ends inside a prefix or packet (garbage skipped so far is consumed): read more, call again.</summary>
    NeedMoreData,

    /// <summary>A whole packet was returned and consumed.</summary>
    Packet,

    /// <summary>The stream cannot be framed: a zero length (strict mode) or no plausible RTP packet within the resync bound. Close the connection.</summary>
    Invalid,
}
