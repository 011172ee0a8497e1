namespace Lkm.Sdk.Streaming;

/// <summary>
/// Why a sink was closed, for the plugin to answer in its protocol's terms (the reason text is for
/// logs only and may change). The host passes one of these whenever it closes a player.
/// </summary>
public enum SinkCloseCause
{
    /// <summary>The plugin closed it or the player went away.</summary>
    Ended = 0,

    /// <summary>
    /// The stream did not start within its route's <c>wait_timeout</c>. The player got nothing: answer
    /// "not found" (HTTP 404, RTMP <c>NetStream.Play.StreamNotFound</c>).
    /// </summary>
    NotFound,

    /// <summary>The player fell behind its route's <c>player_max_lag</c> or <c>player_max_queue</c>.</summary>
    TooSlow,

    /// <summary>The stream is over: its publisher left for good, it restarted with other codecs, or it was closed (API, timeout, shutdown).</summary>
    StreamEnded,

    /// <summary>The host dropped this one player for another reason (the API closed it, no plugin serves its output).</summary>
    Dropped,
}
