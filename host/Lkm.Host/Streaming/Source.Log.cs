using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// The log messages of a source's publisher side, defined once. All sources log to one category
/// (Lkm.Stream) with the stream id as a property: ids come from clients, so nothing per id is kept.
/// </summary>
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

        [LoggerMessage(9, LogLevel.Information, "Stream {StreamId}: late track {Track} added")]
        public static partial void LateTrack(ILogger logger, string streamId, string track);

        [LoggerMessage(10, LogLevel.Warning, "Stream {StreamId}: track set not complete after {Ms} ms, starting with {Tracks}")]
        public static partial void ProbeTimeout(ILogger logger, string streamId, double ms, string tracks);

        [LoggerMessage(11, LogLevel.Error, "Stream {StreamId}: handling {Event} failed")]
        public static partial void EventFailed(ILogger logger, string streamId, SourceEventKind @event, Exception exception);
    }
}
