using System.Net;
using Lkm.Sdk.Plugins;

namespace Lkm.Plugins.Rtmp;

/// <summary>The plugin's settings (<c>plugins: { rtmp: {...} }</c> in lkm.yaml).</summary>
public sealed record RtmpOptions
{
    /// <summary>The defaults: the initializers below, the one place they are written.</summary>
    public static readonly RtmpOptions Default = new();

    public int Port { get; init; } = 1935;

    public string Listen { get; init; } = "0.0.0.0";

    /// <summary>Outbound chunk size, announced with SetChunkSize right after connect (LKM uses 60000).</summary>
    public int ChunkSize { get; init; } = 60000;

    /// <summary>Largest message accepted from a peer; a longer declared length closes the connection.</summary>
    public int MaxMessageSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most chunk streams a peer may keep state for.</summary>
    public int MaxChunkStreams { get; init; } = 64;

    /// <summary>Time from accept to publish/play (handshake and connect included).</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Window Ack Size and Set Peer Bandwidth we announce.</summary>
    public int WindowAckSize { get; init; } = 2_500_000;

    public IPEndPoint EndPoint => new(IPAddress.Parse(Listen), Port);

    /// <summary>
    /// Reads the section with the ranges the protocol allows; the host words and positions every error, and a bad
    /// value reads as its default.
    /// </summary>
    public static RtmpOptions FromConfig(IPluginConfig config)
    {
        var options = new RtmpOptions
        {
            Port = config.GetInt("port", Default.Port, 0, 65535),
            Listen = config.GetString("listen", Default.Listen),

            // RTMP's chunk and message lengths are 24-bit fields; below 128 bytes is not allowed by the spec.
            ChunkSize = config.GetInt("chunk_size", Default.ChunkSize, 128, 0xFFFFFF),
            MaxMessageSize = config.GetInt("max_message_size", Default.MaxMessageSize, 64 * 1024, 0xFFFFFF),
            MaxChunkStreams = config.GetInt("max_chunk_streams", Default.MaxChunkStreams, 4, 65536),
            SetupTimeout = config.GetDuration("setup_timeout", Default.SetupTimeout, min: TimeSpan.FromMilliseconds(1)),
            WindowAckSize = config.GetInt("window_ack_size", Default.WindowAckSize, 1),
        };
        if (!IPAddress.TryParse(options.Listen, out _))
        {
            config.Report("listen", "must be an IP address");
            options = options with { Listen = Default.Listen };
        }

        return options;
    }
}
