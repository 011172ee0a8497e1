namespace Lkm.Host.Streaming;

/// <summary>
/// The streams this node holds, as the API, metrics and console see them: look up, describe and
/// close. The one seam a cluster directory (streams held by other nodes) can later implement too.
/// </summary>
public interface IStreamDirectory
{
    /// <summary>Ids of the streams held now.</summary>
    IReadOnlyList<string> StreamIds { get; }

    /// <summary>A snapshot of one stream; null when it is unknown.</summary>
    Task<SourceInfo?> DescribeAsync(string streamId);

    /// <summary>Snapshots of every stream, ordered by id.</summary>
    Task<IReadOnlyList<SourceInfo>> DescribeAllAsync();

    /// <summary>Disconnects one player; false when the stream or the player is unknown.</summary>
    Task<bool> CloseSinkAsync(string streamId, string sinkId, string reason);

    /// <summary>Ends a stream: its publisher is closed and its players disconnected. False when unknown.</summary>
    bool Close(string streamId, string reason);

    /// <summary>Server-wide totals that outlive streams.</summary>
    EngineCounters Counters { get; }
}
