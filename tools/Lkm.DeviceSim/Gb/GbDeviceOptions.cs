using System.Net;

namespace Lkm.DeviceSim.Gb;

/// <summary>How a simulated GB28181 device sends its RTP.</summary>
public enum GbTransport
{
    /// <summary>RTP datagrams to <see cref="GbDeviceOptions.Target"/>.</summary>
    Udp,

    /// <summary>The device connects to <see cref="GbDeviceOptions.Target"/> (the server's "passive" setup); RFC 4571 framing.</summary>
    Tcp,

    /// <summary>The device listens on <see cref="GbDeviceOptions.Listen"/> and the server dials it (the server's "active" setup); RFC 4571 framing.</summary>
    TcpListen,
}

/// <summary>One simulated device: transport, RTP identity and the impairments it applies.</summary>
public sealed record GbDeviceOptions
{
    /// <summary>Transport; default UDP.</summary>
    public GbTransport Transport { get; init; } = GbTransport.Udp;

    /// <summary>Where UDP datagrams go / the TCP connection is made (UDP and TCP).</summary>
    public IPEndPoint? Target { get; init; }

    /// <summary>The UDP source port (0 or null = any).</summary>
    public int? LocalPort { get; init; }

    /// <summary>Where a <see cref="GbTransport.TcpListen"/> device listens (port 0 = one the system picks).</summary>
    public IPEndPoint? Listen { get; init; }

    /// <summary>RTP SSRC.</summary>
    public uint Ssrc { get; init; } = 1;

    /// <summary>RTP payload type (96 for PS in GB28181).</summary>
    public byte PayloadType { get; init; } = 96;

    /// <summary>Largest RTP payload per packet.</summary>
    public int MaxPayload { get; init; } = 1400;

    /// <summary>Share of RTP packets dropped at random, percent (their sequence numbers are used up: gaps).</summary>
    public double DropPercent { get; init; }

    /// <summary>Share of RTP packets swapped with the packet after them, percent.</summary>
    public double ReorderPercent { get; init; }

    /// <summary>Seed of the drop/reorder choices (null = a different run each time).</summary>
    public int? Seed { get; init; }

    /// <summary>First RTP sequence number.</summary>
    public ushort FirstSequence { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        switch (Transport)
        {
            case GbTransport.Udp or GbTransport.Tcp when Target is null:
                throw new ArgumentException($"{Transport} needs a target", nameof(Target));
            case GbTransport.TcpListen when Listen is null:
                throw new ArgumentException("tcp-listen needs a listen address", nameof(Listen));
        }

        if (PayloadType > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(PayloadType), PayloadType, "payload type is 0 to 127");
        }

        if (DropPercent is < 0 or > 100 || ReorderPercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(DropPercent), "drop and reorder are percentages, 0 to 100");
        }
    }
}

/// <summary>How the media is played out: shared by every device of a run (they send the same muxed stream).</summary>
public sealed record PlaybackOptions
{
    /// <summary>Start again at the end of the media (time stamps keep increasing, sequence numbers continue).</summary>
    public bool Loop { get; init; }

    /// <summary>Stop after this much media time (null = at the end of the media, or never with <see cref="Loop"/>).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>No audio before this much media time: audio joins late.</summary>
    public TimeSpan AudioDelay { get; init; }

    /// <summary>Only audio for this much media time; video joins at the next key frame after it.</summary>
    public TimeSpan AudioFirst { get; init; }

    /// <summary>Pace: 1 = real time (a frame goes when its DTS is due), 2 = twice as fast; 0 = as fast as the sockets take it.</summary>
    public double Speed { get; init; } = 1;
}
