using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>The log messages of a source, defined once (event ids per message).</summary>
internal sealed partial class Source
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Stream {StreamId}: publisher {Protocol} {Peer} attached ({Players} players waiting)")]
        public static partial void PublisherAttached(ILogger logger, string streamId, string protocol, string peer, int players);

        [LoggerMessage(2, LogLevel.Information, "Stream {StreamId}: live with {Tracks} after {Ms:0} ms")]
        public static partial void Live(ILogger logger, string streamId, string tracks, double ms);

        [LoggerMessage(3, LogLevel.Information, "Stream {StreamId}: publisher resumed, {Players} players continue")]
        public static partial void Resumed(ILogger logger, string streamId, int players);

        [LoggerMessage(4, LogLevel.Information, "Stream {StreamId}: publisher gone; {Players} players wait up to {Seconds} s for it to resume")]
        public static partial void PublisherGone(ILogger logger, string streamId, int players, double seconds);

        [LoggerMessage(5, LogLevel.Information, "Stream {StreamId}: {Protocol} player {Peer} waits for the stream to start")]
        public static partial void PlayerWaiting(ILogger logger, string streamId, string protocol, string peer);

        [LoggerMessage(6, LogLevel.Information, "Stream {StreamId}: {Protocol} player {Peer} attached ({Segments} cached segments, {Players} players on this output)")]
        public static partial void PlayerAttached(ILogger logger, string streamId, string protocol, string peer, int segments, int players);

        [LoggerMessage(7, LogLevel.Warning, "Stream {StreamId}: {Protocol} player {Peer} is too slow, disconnected")]
        public static partial void PlayerTooSlow(ILogger logger, string streamId, string protocol, string peer);

        [LoggerMessage(8, LogLevel.Information, "Stream {StreamId}: {Protocol} player {Peer} left after {Bytes} bytes")]
        public static partial void PlayerLeft(ILogger logger, string streamId, string protocol, string peer, long bytes);

        [LoggerMessage(9, LogLevel.Information, "Stream {StreamId}: late track {Track} added")]
        public static partial void LateTrack(ILogger logger, string streamId, string track);

        [LoggerMessage(10, LogLevel.Warning, "Stream {StreamId}: track set not complete after {Ms} ms, starting with {Tracks}")]
        public static partial void ProbeTimeout(ILogger logger, string streamId, double ms, string tracks);

        [LoggerMessage(12, LogLevel.Information, "Stream {StreamId}: {Reason}, but its hook keeps it")]
        public static partial void TimeoutKept(ILogger logger, string streamId, string reason);

        [LoggerMessage(13, LogLevel.Information, "Stream {StreamId}: closed, {Reason} and {Why}")]
        public static partial void TimeoutClosed(ILogger logger, string streamId, string reason, string why);

        [LoggerMessage(11, LogLevel.Error, "Stream {StreamId}: handling {Event} failed")]
        public static partial void EventFailed(ILogger logger, string streamId, SourceEventKind @event, Exception exception);
    }
}
