using System.Net;
using Lkm.Sdk.Buffers;

namespace Lkm.Sdk.Streaming;

/// <summary>
/// One player connection. Owned by the plugin; the host's source loop hands it segments through
/// <see cref="TrySend"/>, which never blocks. Derive from <see cref="SinkBase"/> for the bounded
/// queue and gather-write loop.
/// </summary>
public interface ISink
{
    /// <summary>Unique id of this player, as logs and the API show it.</summary>
    string Id { get; }

    /// <summary>Protocol as players and the API see it: <c>rtmp</c>, <c>flv</c>, <c>ws-flv</c>, ...</summary>
    string Protocol { get; }

    /// <summary>Name of the trans stream whose segments this sink writes (<c>flv</c> serves both HTTP-FLV and WS-FLV).</summary>
    string TransProtocol { get; }

    /// <summary>The player's address; null when unknown.</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// Queues a segment (retaining it). False when the player is further behind than <paramref name="limits"/>
    /// (the bounds of its stream's route, passed by the host on every send so route edits apply at once):
    /// the host then closes it.
    /// </summary>
    bool TrySend(Segment segment, SinkQueueLimits limits);

    /// <summary>
    /// Closes the connection (idempotent: the first call wins). The plugin answers <paramref name="cause"/>
    /// in its protocol's terms (e.g. <see cref="SinkCloseCause.NotFound"/>: HTTP 404); the reason is logged.
    /// </summary>
    void Close(SinkCloseCause cause, string reason);

    /// <summary>Closes the connection for a reason of the plugin's own or the player leaving (<see cref="SinkCloseCause.Ended"/>).</summary>
    void Close(string reason) => Close(SinkCloseCause.Ended, reason);

    /// <summary>Completes when the connection is gone.</summary>
    Task Completion { get; }

    /// <summary>Bytes written to the player so far.</summary>
    long BytesSent { get; }

    /// <summary>
    /// Set when the sink ended because of an error in its own code rather than the peer going away;
    /// the host logs it with its stack and counts it. Null otherwise.
    /// </summary>
    Exception? Fault { get; }
}
