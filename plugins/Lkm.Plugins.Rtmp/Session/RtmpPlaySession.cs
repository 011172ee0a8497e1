using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// A connection that plays: an <see cref="RtmpSink"/> attached to the stream by the hub. Once the
/// onStatus replies are out, the sink's writer loop owns the socket and this connection only reads
/// (to notice deleteStream or the peer leaving).
/// </summary>
internal sealed partial class RtmpPlaySession
{
    private readonly RtmpConnectionContext _connection;
    private readonly RtmpSink _sink;
    private readonly IAsyncDisposable _playHandle;
    private Task? _sinkRun;

    private RtmpPlaySession(RtmpConnectionContext connection, RtmpSink sink, IAsyncDisposable playHandle)
    {
        _connection = connection;
        _sink = sink;
        _playHandle = playHandle;
    }

    /// <summary>Asks the hub for the stream; on success the session becomes the connection's <see cref="RtmpConnectionContext.Play"/>.</summary>
    public static async ValueTask StartAsync(RtmpConnectionContext connection, int messageStreamId, string? name)
    {
        if (!RtmpStreamName.TryParse(connection.App, connection.TcUrl, name, out var stream))
        {
            await connection.RefuseAsync(messageStreamId, "NetStream.Play.StreamNotFound", $"invalid stream name '{name}'").ConfigureAwait(false);
            return;
        }

        connection.StreamId = stream.StreamId;
        connection.EndSetupTimeout();
        var sink = new RtmpSink(connection.Socket, connection.RemoteEndPoint);
        IAsyncDisposable playHandle;
        try
        {
            // Segments the hub hands over now wait in the sink's queue until its writer loop starts below.
            playHandle = await connection.Plugin.Hub.PlayAsync(
                new PlayRequest { StreamId = stream.StreamId, Protocol = "rtmp", RemoteEndPoint = connection.RemoteEndPoint, Query = stream.Query },
                sink,
                connection.Aborted).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            Log.PlayDenied(connection.Logger, stream.StreamId, connection.Peer, ex.Reason, ex.Message);
            string code = ex.Reason == DenyReason.BadRequest ? "NetStream.Play.StreamNotFound" : "NetStream.Play.Failed";
            await connection.RefuseAsync(messageStreamId, code, ex.Message).ConfigureAwait(false);
            return;
        }

        var session = new RtmpPlaySession(connection, sink, playHandle);
        connection.Play = session;
        await session.BeginAsync(messageStreamId, stream.StreamId).ConfigureAwait(false);
    }

    /// <summary>deleteStream or closeStream from the player.</summary>
    public void Stop(string reason) => _sink.Close(reason);

    /// <summary>Detaches from the hub and waits for the sink to finish; logs how the play ended.</summary>
    public async Task CloseAsync(string reason)
    {
        try
        {
            await _playHandle.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DetachFailed(_connection.Logger, ex, _connection.StreamId, _connection.Peer);
        }

        _sink.Close(reason);

        // A sink that never started its loop still has to release what the hub queued and complete.
        _sinkRun ??= _sink.RunAsync();
        await _sinkRun.ConfigureAwait(false);
        Log.PlayStopped(_connection.Logger, _connection.StreamId, _connection.Peer, _sink.CloseReason ?? "-", _sink.BytesSent);
    }

    private async ValueTask BeginAsync(int messageStreamId, string streamId)
    {
        // Per-player control messages go straight to the socket before the sink's writer loop exists.
        var output = _connection.Output;
        output.AnnounceChunkSize();
        RtmpControlMessages.WriteUserControl(output.Buffer, UserControlEvent.StreamBegin, (uint)messageStreamId, output.ChunkSize);
        RtmpCommandWriter.WriteOnStatus(output.Buffer, messageStreamId, output.ChunkSize, "status", "NetStream.Play.Reset", $"Playing and resetting {streamId}.");
        RtmpCommandWriter.WriteOnStatus(output.Buffer, messageStreamId, output.ChunkSize, "status", "NetStream.Play.Start", $"Started playing {streamId}.");
        RtmpCommandWriter.WriteData(output.Buffer, RtmpChunkWriter.DataChunkStream, messageStreamId, output.ChunkSize, "|RtmpSampleAccess", false, false);
        await output.FlushAsync().ConfigureAwait(false);

        output.HandOver();
        _sinkRun = _sink.RunAsync();
        Log.PlayStarted(_connection.Logger, streamId, _connection.Peer);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} started")]
        public static partial void PlayStarted(ILogger logger, string streamId, string peer);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} ended ({Reason}), {Bytes} bytes sent")]
        public static partial void PlayStopped(ILogger logger, string streamId, string peer, string reason, long bytes);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} denied ({DenyReason}): {Message}")]
        public static partial void PlayDenied(ILogger logger, string streamId, string peer, DenyReason denyReason, string message);

        [LoggerMessage(Level = LogLevel.Error, Message = "RTMP play {StreamId} from {Peer}: detaching from the hub failed")]
        public static partial void DetachFailed(ILogger logger, Exception exception, string streamId, string peer);
    }
}
