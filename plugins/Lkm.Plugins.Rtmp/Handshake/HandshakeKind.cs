namespace Lkm.Plugins.Rtmp.Handshake;

/// <summary>The handshake form a client used.</summary>
public enum HandshakeKind
{
    /// <summary>No (valid) digest in C1: S2 echoes C1.</summary>
    Plain,

    /// <summary>Digest at the <see cref="DigestScheme.Scheme0"/> position.</summary>
    DigestScheme0,

    /// <summary>Digest at the <see cref="DigestScheme.Scheme1"/> position.</summary>
    DigestScheme1,
}
