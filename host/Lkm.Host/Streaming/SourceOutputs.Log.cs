using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>The log messages about a source's players, defined once (category Lkm.Stream, the stream id as a property).</summary>
internal sealed partial class SourceOutputs
{
    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Stream {StreamId}: {Protocol} player {Peer} waits for the stream to start")]
        public static partial void PlayerWaiting(ILogger logger, string streamId, string protocol, string peer);

        [LoggerMessage(21, LogLevel.Information, "Stream {StreamId}: {Protocol} player {Peer} attached ({Segments} cached segments, {Players} players on this output)")]
        public static partial void PlayerAttached(ILogger logger, string streamId, string protocol, string peer, int segments, int players);

        [LoggerMessage(22, LogLevel.Warning, "Stream {StreamId}: {Protocol} player {Peer} is too slow, disconnected")]
        public static partial void PlayerTooSlow(ILogger logger, string streamId, string protocol, string peer);

        [LoggerMessage(23, LogLevel.Information, "Stream {StreamId}: {Protocol} player {Peer} left after {Bytes} bytes")]
        public static partial void PlayerLeft(ILogger logger, string streamId, string protocol, string peer, long bytes);

        [LoggerMessage(24, LogLevel.Error, "Stream {StreamId}: {Protocol} player {Peer} failed in its own code (a bug, not a lost connection)")]
        public static partial void PlayerFaulted(ILogger logger, string streamId, string protocol, string peer, Exception exception);
    }
}
