using System.Globalization;
using System.Net;
using Lkm.Sdk.Plugins;

namespace Lkm.Samples.MpegTs;

/// <summary>One port the plugin listens on (UDP and/or TCP) and the stream id it publishes.</summary>
/// <param name="Port">The UDP/TCP port.</param>
/// <param name="StreamId">The stream id published for what arrives on it.</param>
public sealed record MpegTsPort(int Port, string StreamId);

/// <summary>
/// The plugin's settings, <c>plugins: { mpegts: {...} }</c> in lkm.yaml:
/// <code>
/// mpegts:
///   listen: 0.0.0.0          # address to bind
///   ports: [10000]           # each entry PORT or PORT=STREAM_ID; a comma-separated string works too (--set)
///   stream: ts/{port}        # the stream id of an entry without one
///   udp: true                # listen on UDP on each port
///   tcp: true                # listen on TCP on each port
///   receive_timeout: 5s      # a UDP sender (or TCP connection) silent this long ends its stream
/// </code>
/// </summary>
public sealed record MpegTsOptions
{
    /// <summary>The defaults: the initializers below, the one place they are written.</summary>
    public static readonly MpegTsOptions Default = new();

    /// <summary>The address the ports are bound on.</summary>
    public string Listen { get; init; } = "0.0.0.0";

    /// <summary>The ports and their stream ids.</summary>
    public IReadOnlyList<MpegTsPort> Ports { get; init; } = [new(10000, "ts/10000")];

    /// <summary>The stream id of a port given without one; <c>{port}</c> is replaced by the port.</summary>
    public string StreamTemplate { get; init; } = "ts/{port}";

    /// <summary>Listen on UDP.</summary>
    public bool Udp { get; init; } = true;

    /// <summary>Listen on TCP.</summary>
    public bool Tcp { get; init; } = true;

    /// <summary>Silence after which a UDP stream ends (the next datagram publishes it again) or a TCP connection is closed.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The end point of <paramref name="port"/>.</summary>
    public IPEndPoint EndPoint(MpegTsPort port) => new(IPAddress.Parse(Listen), port.Port);

    /// <summary>Reads the section; a bad value is reported through <paramref name="config"/> and reads as its default.</summary>
    public static MpegTsOptions FromConfig(IPluginConfig config)
    {
        var options = new MpegTsOptions
        {
            Listen = config.GetString("listen", Default.Listen),
            StreamTemplate = config.GetString("stream", Default.StreamTemplate),
            Udp = config.GetBool("udp", Default.Udp),
            Tcp = config.GetBool("tcp", Default.Tcp),
            ReceiveTimeout = config.GetDuration("receive_timeout", Default.ReceiveTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
        };

        if (!IPAddress.TryParse(options.Listen, out _))
        {
            config.Report("listen", "must be an IP address");
            options = options with { Listen = Default.Listen };
        }

        if (!ValidStreamId(options.StreamTemplate.Replace("{port}", "1", StringComparison.Ordinal)))
        {
            config.Report("stream", "must be a stream id such as ts/{port} (no spaces, no leading or trailing '/')");
            options = options with { StreamTemplate = Default.StreamTemplate };
        }

        if (!options.Udp && !options.Tcp)
        {
            config.Report("tcp", "must be true when udp is false (the plugin would listen on nothing)");
            options = options with { Tcp = true };
        }

        var entries = config.GetList("ports")
            .SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        if (entries.Count == 0)
        {
            return options with { Ports = [new(10000, StreamIdOf(options.StreamTemplate, 10000))] };
        }

        var ports = new List<MpegTsPort>();
        foreach (string entry in entries)
        {
            string[] parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
                || (parts.Length == 2 && !ValidStreamId(parts[1])))
            {
                config.Report("ports", $"must be a list of PORT or PORT=STREAM_ID entries (PORT 1-65535), and '{entry}' is not one");
                continue;
            }

            string streamId = parts.Length == 2 ? parts[1] : StreamIdOf(options.StreamTemplate, port);
            if (ports.Any(p => p.Port == port || p.StreamId == streamId))
            {
                config.Report("ports", $"must name each port and stream id once ('{entry}' repeats one)");
                continue;
            }

            ports.Add(new MpegTsPort(port, streamId));
        }

        return options with { Ports = ports.Count > 0 ? ports : Default.Ports };
    }

    private static string StreamIdOf(string template, int port) => template.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static bool ValidStreamId(string id) =>
        id.Length is > 0 and <= 200 && !id.StartsWith('/') && !id.EndsWith('/') && !id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#');
}
