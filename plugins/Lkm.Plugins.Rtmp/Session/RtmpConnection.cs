using System.IO.Pipelines;
using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Plugins;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// One RTMP connection from accept to close: handshake (<see cref="RtmpHandshakeIo"/>), then
/// messages (<see cref="RtmpMessageDispatcher"/>) until a publisher (<see cref="RtmpPublishSession"/>)
/// or player (<see cref="RtmpPlaySession"/>) ends; then everything is released and how it ended is logged.
/// All reading and all writes before a player's sink starts happen on this one loop, so control
/// messages never interleave with media chunks.
/// </summary>
internal sealed partial class RtmpConnection
{
    private readonly RtmpConnectionContext _connection;
    private readonly RtmpMessageDispatcher _messages;
    private PipeReader? _input;

    public RtmpConnection(Socket socket, IPluginContext context, RtmpOptions options, ILogger logger, CancellationToken connectionToken)
    {
        _connection = new RtmpConnectionContext(socket, context, options, logger, connectionToken);
        _messages = new RtmpMessageDispatcher(_connection);
    }

    public async Task RunAsync()
    {
        var connection = _connection;
        try
        {
            connection.Socket.NoDelay = true;
            connection.StartSetupTimeout();
            _input = PipeReader.Create(
                new NetworkStream(connection.Socket, ownsSocket: false),
                new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: true));
            await RtmpHandshakeIo.RunAsync(connection, _input).ConfigureAwait(false);
            await _messages.ReadMessagesAsync(_input).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RtmpProtocolException or Amf0FormatException or FlvFormatException)
        {
            Log.ProtocolError(connection.Logger, connection.Peer, connection.StreamId, ex.Message);
        }
        catch (OperationCanceledException) when (connection.IsAborted)
        {
            Log.ClosedByServer(connection.Logger, connection.StreamId, connection.Peer, connection.CloseReason ?? "server shutting down");
        }
        catch (OperationCanceledException) when (connection.SetupTimedOut)
        {
            Log.ProtocolError(connection.Logger, connection.Peer, connection.StreamId, $"no publish or play within {connection.Options.SetupTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
        {
            Log.ConnectionLost(connection.Logger, connection.Peer, connection.StreamId, ex.Message);
        }
        catch (Exception ex)
        {
            Log.Unexpected(connection.Logger, ex, connection.Peer, connection.StreamId);
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseAsync()
    {
        var connection = _connection;
        if (connection.Play is { } play)
        {
            await play.CloseAsync(connection.CloseReason ?? "player left").ConfigureAwait(false);
        }

        if (connection.Publish is { } publish)
        {
            try
            {
                await publish.EndAsync(connection.CloseReason ?? "connection closed").ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.Unexpected(connection.Logger, ex, connection.Peer, connection.StreamId);
            }
        }

        if (_input is not null)
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }

        _messages.Dispose();
        try
        {
            connection.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        connection.Socket.Dispose();
        connection.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP {Peer} ({StreamId}): protocol error, closing: {Reason}")]
        public static partial void ProtocolError(ILogger logger, string peer, string streamId, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP {StreamId} from {Peer} closed by the server: {Reason}")]
        public static partial void ClosedByServer(ILogger logger, string streamId, string peer, string reason);

        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer} ({StreamId}): connection ended: {Reason}")]
        public static partial void ConnectionLost(ILogger logger, string peer, string streamId, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "RTMP {Peer} ({StreamId}): unexpected failure, closing")]
        public static partial void Unexpected(ILogger logger, Exception exception, string peer, string streamId);
    }
}
