using System.Globalization;
using System.Net;
using Lkm.Sdk.Plugins;

namespace Lkm.Plugins.Gb28181;

/// <summary>The plugin's settings (<c>plugins: { gb28181: {...} }</c> in lkm.yaml).</summary>
public sealed record Gb28181Options
{
    /// <summary>The defaults: the initializers below, the one place they are written.</summary>
    public static readonly Gb28181Options Default = new();

    /// <summary>First port of the range sources get their port from; equal to <see cref="LastPort"/> in single-port mode.</summary>
    public int FirstPort { get; init; } = 50000;

    /// <summary>Last port of the range (included).</summary>
    public int LastPort { get; init; } = 60000;

    /// <summary>One shared port for every source, which are told apart by SSRC (<c>port: 50000</c> rather than a range).</summary>
    public bool SinglePort => FirstPort == LastPort;

    /// <summary>Sources may be received over UDP.</summary>
    public bool Udp { get; init; } = true;

    /// <summary>Sources may be received over TCP (passive: the device connects; active: we dial it).</summary>
    public bool Tcp { get; init; } = true;

    public string Listen { get; init; } = "0.0.0.0";

    /// <summary>The receive buffer of each UDP port: the longest RTP datagram accepted (devices send MTU-sized ones).</summary>
    public int MaxDatagramSize { get; init; } = 8192;

    /// <summary>RTP packets held to put UDP's reordering right; a gap is skipped after this many later packets.</summary>
    public int ReorderWindow { get; init; } = 64;

    /// <summary>Longest wait for a missing UDP packet before its gap is skipped.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time for a TCP active connect to the device (<c>source/connect</c>) and for a forward's dial to the upper platform.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Media read before the track set is declared complete (a track may still join later).</summary>
    public TimeSpan ProbeWindow { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest video frame kept; a larger one is dropped.</summary>
    public int MaxFrameSize { get; init; } = 4 * 1024 * 1024;

    public IPAddress ListenAddress => IPAddress.Parse(Listen);

    /// <summary>Reads the section; the host words and positions every error, and a bad value reads as its default.</summary>
    public static Gb28181Options FromConfig(IPluginConfig config)
    {
        var (first, last) = ReadPorts(config);
        var (udp, tcp) = ReadTransport(config);
        var options = new Gb28181Options
        {
            FirstPort = first,
            LastPort = last,
            Udp = udp,
            Tcp = tcp,
            Listen = config.GetString("listen", Default.Listen),
            MaxDatagramSize = config.GetInt("max_datagram_size", Default.MaxDatagramSize, 1500, 65507),
            ReorderWindow = config.GetInt("reorder_window", Default.ReorderWindow, 2, 4096),
            ReorderDelay = config.GetDuration("reorder_delay", Default.ReorderDelay, TimeSpan.Zero, TimeSpan.FromSeconds(5)),
            ConnectTimeout = config.GetDuration("connect_timeout", Default.ConnectTimeout, TimeSpan.FromMilliseconds(100)),
            ProbeWindow = config.GetDuration("probe_window", Default.ProbeWindow, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
            MaxFrameSize = config.GetInt("max_frame_size", Default.MaxFrameSize, 64 * 1024, 64 * 1024 * 1024),
        };
        if (!IPAddress.TryParse(options.Listen, out _))
        {
            config.Report("listen", "must be an IP address");
            options = options with { Listen = Default.Listen };
        }

        return options;
    }

    // "50000-60000" (a port per source) or "50000" (one shared port, sources told apart by SSRC).
    private static (int First, int Last) ReadPorts(IPluginConfig config)
    {
        string text = config.GetString("port", $"{Default.FirstPort}-{Default.LastPort}").Trim();
        string[] parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
            && first is > 0 and <= 65535 && last is > 0 and <= 65535 && first <= last)
        {
            return (first, last);
        }

        config.Report("port", "must be a port (one shared port, sources told apart by SSRC) or a range first-last (a port per source), within 1-65535");
        return (Default.FirstPort, Default.LastPort);
    }

    // "udp,tcp", "udp", "tcp"; also LKM's "UDP|TCP".
    private static (bool Udp, bool Tcp) ReadTransport(IPluginConfig config)
    {
        string text = config.GetString("transport", "udp,tcp");
        bool udp = false, tcp = false, bad = false;
        foreach (string part in text.Split(['|', ',', ' ', '+'], StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "udp":
                    udp = true;
                    break;
                case "tcp":
                    tcp = true;
                    break;
                default:
                    bad = true;
                    break;
            }
        }

        if (bad || !(udp || tcp))
        {
            config.Report("transport", "must be udp, tcp or udp,tcp");
            return (true, true);
        }

        return (udp, tcp);
    }
}
