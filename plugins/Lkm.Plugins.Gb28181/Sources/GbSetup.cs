namespace Lkm.Plugins.Gb28181.Sources;

/// <summary>How a source's RTP reaches us (<c>setup</c> of <c>source/create</c>, named from our side as LKM names it).</summary>
internal enum GbSetup
{
    /// <summary>UDP datagrams, to the source's own port or the shared port.</summary>
    Udp,

    /// <summary>TCP, the device connects to us (RFC 4571 framing).</summary>
    Passive,

    /// <summary>TCP, we connect to the device after <c>source/connect</c>, from the source's port (RFC 4571 framing).</summary>
    Active,
}
