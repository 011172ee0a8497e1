namespace Lkm.Host.Api;

// The JSON shapes of the API (snake_case on the wire, see ApiJsonContext). The first fields of each
// record are the ones LKM returned; the rest are ours.

/// <summary>One row of <c>/api/v1/source/list</c>.</summary>
public sealed record SourceDto
{
    public required string Id { get; init; }

    /// <summary>Ingest protocol of the publisher ("rtmp"); empty while players wait for a publisher.</summary>
    public required string Protocol { get; init; }

    /// <summary>When the publisher started, local time "yyyy-MM-dd HH:mm:ss" (LKM's format); empty without one.</summary>
    public required string Time { get; init; }

    public required int SinkCount { get; init; }

    /// <summary>Incoming bitrate in kbit/s.</summary>
    public required long Bitrate { get; init; }

    /// <summary>Codec names of the tracks, e.g. ["H264", "AAC"].</summary>
    public required IReadOnlyList<string> Tracks { get; init; }

    public string? Publisher { get; init; }

    public bool Live { get; init; }

    public double UptimeSeconds { get; init; }

    public IReadOnlyList<TrackDto> TrackDetails { get; init; } = [];
}

public sealed record TrackDto(string Codec, string Type, int Width, int Height, int SampleRate, int Channels);

/// <summary>One row of <c>/api/v1/sink/list</c>.</summary>
public sealed record SinkDto(string Id, string Source, string Protocol, string RemoteAddr, string Time, long BytesSent, bool Waiting);

/// <summary>Per-stream figures of <c>/api/v1/streams/statistics</c>.</summary>
public sealed record StreamStatisticsDto
{
    public required string Id { get; init; }

    public required string Protocol { get; init; }

    public string? Publisher { get; init; }

    public bool Live { get; init; }

    public double UptimeSeconds { get; init; }

    public double BitrateInKbps { get; init; }

    public double BitrateOutKbps { get; init; }

    public long BytesIn { get; init; }

    public long BytesOut { get; init; }

    public long Packets { get; init; }

    public int Players { get; init; }

    public required IReadOnlyDictionary<string, int> PlayersByProtocol { get; init; }

    public long DroppedPlayers { get; init; }

    public required IReadOnlyList<TrackDto> Tracks { get; init; }
}

/// <summary>The whole of <c>/api/v1/streams/statistics</c>: totals and one entry per stream.</summary>
public sealed record StatisticsDto
{
    public int Streams { get; init; }

    public int Publishers { get; init; }

    public int Players { get; init; }

    public required IReadOnlyDictionary<string, int> PlayersByProtocol { get; init; }

    public long BytesIn { get; init; }

    public long BytesOut { get; init; }

    public double BitrateInKbps { get; init; }

    public double BitrateOutKbps { get; init; }

    public long DroppedPlayers { get; init; }

    public required IReadOnlyList<StreamStatisticsDto> Items { get; init; }
}

/// <summary>A listening port: what listens, where, and over <c>tcp</c> or <c>udp</c>.</summary>
public sealed record ListenerDto(string Name, string Address, int Port, string Transport = "tcp");

/// <summary>One row of <c>/api/v1/plugins</c>: one loaded version of a plugin (a plugin being swapped has two).</summary>
public sealed record PluginDto
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>Load sequence number: tells versions of one plugin apart.</summary>
    public int Generation { get; init; }

    public required string AssemblyPath { get; init; }

    /// <summary>loaded | running | draining | unloaded | stopped | failed.</summary>
    public required string State { get; init; }

    /// <summary>Why it failed, or what it is draining for; absent otherwise.</summary>
    public string? Reason { get; init; }

    /// <summary>When this version was loaded (UTC, ISO 8601).</summary>
    public required string LoadedAt { get; init; }

    /// <summary>When it was unloaded; absent before.</summary>
    public string? UnloadedAt { get; init; }

    /// <summary>Once unloaded: whether its load context has been garbage-collected yet (a weak reference to it is dead); absent before.</summary>
    public bool? Collected { get; init; }

    /// <summary>Sessions running on this version (connections its listeners took, requests its HTTP handlers serve), counted by the host.</summary>
    public int LiveSessions { get; init; }

    /// <summary>Muxers of this version's trans stream factories still in use by streams.</summary>
    public int LiveMuxers { get; init; }

    /// <summary>The plugin's port pools (on its running version's row; shared by all its versions).</summary>
    public IReadOnlyList<PortPoolDto> PortPools { get; init; } = [];

    public required IReadOnlyList<ListenerDto> Listeners { get; init; }
}

/// <summary>A plugin's port range: how many ports are rented, and which.</summary>
public sealed record PortPoolDto(string Name, int First, int Last, int InUse, IReadOnlyList<int> Rented);

/// <summary>How players reach a stream over one egress: <c>{host}</c> and <c>{id}</c> left to fill in.</summary>
public sealed record PlayUrlDto(string Name, string Template);

/// <summary><c>/api/v1/server/info</c>.</summary>
public sealed record ServerInfoDto
{
    public required string Version { get; init; }

    public required string StartedAt { get; init; }

    public double UptimeSeconds { get; init; }

    public required string ConfigFile { get; init; }

    /// <summary>Media HTTP port (HTTP-FLV, WS-FLV); 0 = off.</summary>
    public int HttpPort { get; init; }

    /// <summary>The separate API listener ("address:port"), or empty when the API shares the media port.</summary>
    public required string ApiListen { get; init; }

    public bool AuthRequired { get; init; }

    public required string PublicIp { get; init; }

    public required IReadOnlyList<ListenerDto> Listeners { get; init; }

    /// <summary>The play URL of every egress the plugins serve (<c>{host}</c>: the address players use; <c>{id}</c>: the stream id).</summary>
    public required IReadOnlyList<PlayUrlDto> PlayUrls { get; init; }
}
