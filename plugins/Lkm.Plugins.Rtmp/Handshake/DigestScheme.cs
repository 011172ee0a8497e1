namespace Lkm.Plugins.Rtmp.Handshake;

/// <summary>Where the 32-byte digest sits in a digest ("complex") handshake packet.</summary>
public enum DigestScheme
{
    /// <summary>Digest block first: offset = (sum of bytes 8..11) % 728 + 12 (what ffmpeg and librtmp send).</summary>
    Scheme0,

    /// <summary>Key block first: offset = (sum of bytes 772..775) % 728 + 776.</summary>
    Scheme1,
}
