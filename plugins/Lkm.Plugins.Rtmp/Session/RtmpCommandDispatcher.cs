using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Plugins.Rtmp.Streaming;
using Lkm.Sdk.Amf;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// NetConnection and NetStream commands: connect and the stream bookkeeping are answered here;
/// publish and play start a <see cref="RtmpPublishSession"/> or <see cref="RtmpPlaySession"/>.
/// </summary>
internal sealed partial class RtmpCommandDispatcher
{
    private const int MessageStreamId = RtmpTransStream.MessageStreamId;

    private readonly RtmpConnectionContext _connection;

    public RtmpCommandDispatcher(RtmpConnectionContext connection) => _connection = connection;

    /// <param name="messageStreamId">The message's stream id (0 for connection-level commands).</param>
    /// <param name="values">The decoded command: name, transaction id, command object, arguments.</param>
    public async ValueTask HandleAsync(int messageStreamId, List<object?> values)
    {
        if (values.Count == 0 || values[0] is not string name)
        {
            throw new RtmpProtocolException("command message without a name");
        }

        double transaction = values.Count > 1 && values[1] is double t ? t : 0;
        int streamId = messageStreamId == 0 ? MessageStreamId : messageStreamId;
        switch (name)
        {
            case "connect":
                await ConnectAsync(transaction, values.Count > 2 ? values[2] as Amf0Object : null).ConfigureAwait(false);
                break;

            case "createStream":
                await ResultAsync(transaction, null, (double)MessageStreamId).ConfigureAwait(false);
                break;

            case "releaseStream":
            case "FCPublish":
                await ResultAsync(transaction, null, null).ConfigureAwait(false);
                break;

            case "getStreamLength":
                await ResultAsync(transaction, null, 0.0).ConfigureAwait(false);
                break;

            case "publish":
                EnsureNoStream();
                await RtmpPublishSession.StartAsync(_connection, streamId, StringArgument(values, 3)).ConfigureAwait(false);
                break;

            case "play":
                EnsureNoStream();
                await RtmpPlaySession.StartAsync(_connection, streamId, StringArgument(values, 3)).ConfigureAwait(false);
                break;

            case "FCUnpublish":
            case "deleteStream":
            case "closeStream":
                await EndStreamAsync(name).ConfigureAwait(false);
                break;

            default:
                // pause, seek, receiveAudio/Video, FCSubscribe, _checkbw, replies from the client, ...
                Log.Ignored(_connection.Logger, _connection.Peer, _connection.StreamId, name);
                break;
        }
    }

    private static string? StringArgument(List<object?> values, int index) => values.Count > index ? values[index] as string : null;

    private void EnsureNoStream()
    {
        if (_connection.HasStream)
        {
            throw new RtmpProtocolException("a second publish or play on one connection");
        }
    }

    private async ValueTask ConnectAsync(double transaction, Amf0Object? command)
    {
        _connection.App = command?["app"] as string;
        _connection.TcUrl = command?["tcUrl"] as string;
        double objectEncoding = command?["objectEncoding"] is double encoding ? encoding : 0;

        var output = _connection.Output;
        uint window = (uint)_connection.Options.WindowAckSize;
        RtmpControlMessages.WriteWindowAckSize(output.Buffer, window, output.ChunkSize);
        RtmpControlMessages.WriteSetPeerBandwidth(output.Buffer, window, 2, output.ChunkSize);
        output.AnnounceChunkSize();
        var properties = new Amf0Object
        {
            { "fmsVer", "FMS/3,0,1,123" },
            { "capabilities", 31.0 },
        };
        var information = new Amf0Object
        {
            { "level", "status" },
            { "code", "NetConnection.Connect.Success" },
            { "description", "Connection succeeded." },
            { "objectEncoding", objectEncoding },
        };
        RtmpCommandWriter.WriteCommand(output.Buffer, RtmpChunkWriter.CommandChunkStream, 0, output.ChunkSize, "_result", transaction, properties, information);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private ValueTask ResultAsync(double transaction, object? properties, object? information)
    {
        var output = _connection.Output;
        RtmpCommandWriter.WriteCommand(output.Buffer, RtmpChunkWriter.CommandChunkStream, 0, output.ChunkSize, "_result", transaction, properties, information);
        return output.FlushAsync();
    }

    private async ValueTask EndStreamAsync(string command)
    {
        if (_connection.Publish is { } publish)
        {
            await publish.EndAsync(command).ConfigureAwait(false);
        }
        else if (_connection.Play is { } play)
        {
            play.Stop(command);
            _connection.StopReading = true;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer} ({StreamId}): ignored command {Command}")]
        public static partial void Ignored(ILogger logger, string peer, string streamId, string command);
    }
}
