using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Buffers;
using Lkm.Sdk.Networking;
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
    private static readonly TimeSpan NotFoundSendTimeout = TimeSpan.FromSeconds(2);

    private readonly RtmpConnectionContext _connection;
    private readonly RtmpSink _sink;
    private readonly IAsyncDisposable _playHandle;
    private Task? _sinkRun;
    private bool _refused;

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
            string error = $"invalid stream name '{name}'";
            Log.PlayBadName(connection.Logger, connection.App ?? "-", connection.Peer, error);
            await connection.RefuseAsync(messageStreamId, "NetStream.Play.StreamNotFound", error).ConfigureAwait(false);
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
        if (!_refused)
        {
            Log.PlayStopped(_connection.Logger, _connection.StreamId, _connection.Peer, _sink.CloseReason ?? "-", _sink.BytesSent);
        }
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
        _sinkRun = RunSinkAsync(messageStreamId, streamId);
        Log.PlayStarted(_connection.Logger, streamId, _connection.Peer);
    }

    /// <summary>The sink's writer loop; a player whose stream did not start within wait_timeout is told so before the socket closes.</summary>
    private async Task RunSinkAsync(int messageStreamId, string streamId)
    {
        await _sink.RunAsync().ConfigureAwait(false);
        if (!_sink.OwesNotFound)
        {
            return;
        }

        // The writer loop has ended and never wrote, so the socket is ours for this one message (the
        // connection's reply writer handed it over and drops replies, so build it here).
        string reason = _sink.CloseReason ?? "not found";
        _refused = true;
        Log.PlayRefused(_connection.Logger, streamId, _connection.Peer, "NetStream.Play.StreamNotFound", reason);
        using var message = new PooledBufferWriter();
        RtmpCommandWriter.WriteOnStatus(message, messageStreamId, _connection.Output.ChunkSize, "error", "NetStream.Play.StreamNotFound", $"{streamId}: {reason}");
        try
        {
            using var timeout = new CancellationTokenSource(NotFoundSendTimeout);
            var bytes = message.WrittenMemory;
            while (!bytes.IsEmpty)
            {
                int sent = await _connection.Socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
        {
            // The player is gone or stalled: nothing more to tell it.
        }
        finally
        {
            _sink.CloseSocket();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} started")]
        public static partial void PlayStarted(ILogger logger, string streamId, string peer);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} ended ({Reason}), {Bytes} bytes sent")]
        public static partial void PlayStopped(ILogger logger, string streamId, string peer, string reason, long bytes);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} denied ({DenyReason}): {Message}")]
        public static partial void PlayDenied(ILogger logger, string streamId, string peer, DenyReason denyReason, string message);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play {StreamId} from {Peer} refused with {Code}: {Reason}")]
        public static partial void PlayRefused(ILogger logger, string streamId, string peer, string code, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP play in app {App} from {Peer} refused with NetStream.Play.StreamNotFound: {Reason}")]
        public static partial void PlayBadName(ILogger logger, string app, string peer, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "RTMP play {StreamId} from {Peer}: detaching from the hub failed")]
        public static partial void DetachFailed(ILogger logger, Exception exception, string streamId, string peer);
    }
}
