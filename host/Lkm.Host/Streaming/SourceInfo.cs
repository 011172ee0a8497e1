using Lkm.Sdk.Media;

namespace Lkm.Host.Streaming;

/// <summary>What the API, metrics and tests can see of a source: a snapshot taken on its event loop.</summary>
public sealed record SourceInfo
{
    public required string Id { get; init; }

    /// <summary>Ingest protocol of the current publisher; null while none.</summary>
    public string? Protocol { get; init; }

    /// <summary>The publisher's address; null while none.</summary>
    public string? Publisher { get; init; }

    public DateTime? PublishedAt { get; init; }

    /// <summary>True once the track set is known and media flows to players.</summary>
    public bool Live { get; init; }

    public IReadOnlyList<MediaTrack> Tracks { get; init; } = [];

    public int Players { get; init; }

    public IReadOnlyDictionary<string, int> PlayersByProtocol { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<SinkInfo> Sinks { get; init; } = [];

    /// <summary>Players disconnected because they could not keep up.</summary>
    public long DroppedPlayers { get; init; }

    /// <summary>Players that ended on an error in their own code (a bug, logged with its stack).</summary>
    public long FaultedPlayers { get; init; }

    public long Packets { get; init; }

    /// <summary>Media payload bytes received from publishers.</summary>
    public long BytesIn { get; init; }

    /// <summary>Bytes queued to players (every player counted).</summary>
    public long BytesOut { get; init; }

    public double BitrateInKbps { get; init; }

    public double BitrateOutKbps { get; init; }

    public int GopPackets { get; init; }

    public double UptimeSeconds => PublishedAt is { } t ? (DateTime.UtcNow - t).TotalSeconds : 0;
}

/// <summary>One player of a source.</summary>
public sealed record SinkInfo(string Id, string Protocol, string RemoteAddress, DateTime JoinedAt, long BytesSent, bool Waiting);
