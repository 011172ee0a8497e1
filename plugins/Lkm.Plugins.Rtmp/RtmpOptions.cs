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

    public static RtmpOptions FromConfig(IPluginConfig config)
    {
        var options = new RtmpOptions
        {
            Port = config.Get("port", Default.Port),
            Listen = config.Get("listen", Default.Listen),
            ChunkSize = config.Get("chunk_size", Default.ChunkSize),
            MaxMessageSize = config.Get("max_message_size", Default.MaxMessageSize),
            MaxChunkStreams = config.Get("max_chunk_streams", Default.MaxChunkStreams),
            SetupTimeout = config.Get("setup_timeout", Default.SetupTimeout),
            WindowAckSize = config.Get("window_ack_size", Default.WindowAckSize),
        };
        options.Validate((key, rule) => config.Error(key, rule));
        return options;
    }

    /// <summary>Checks the ranges; <paramref name="error"/> makes the exception for a bad key (positioned when read from lkm.yaml).</summary>
    public void Validate(Func<string, string, Exception>? error = null)
    {
        error ??= (key, rule) => new ArgumentException($"rtmp.{key} {rule}.", key);
        void Check(bool ok, string key, string rule)
        {
            if (!ok)
            {
                throw error(key, rule);
            }
        }

        Check(Port is >= 0 and <= 65535, "port", "must be 0..65535");
        Check(IPAddress.TryParse(Listen, out _), "listen", "must be an IP address");
        Check(ChunkSize is >= 128 and <= 0xFFFFFF, "chunk_size", "must be 128..16777215");
        Check(MaxMessageSize is >= 64 * 1024 and <= 0xFFFFFF, "max_message_size", "must be 65536..16777215");
        Check(MaxChunkStreams is >= 4 and <= 65536, "max_chunk_streams", "must be 4..65536");
        Check(SetupTimeout > TimeSpan.Zero, "setup_timeout", "must be positive");
        Check(WindowAckSize > 0, "window_ack_size", "must be positive");
    }
}
