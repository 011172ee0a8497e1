using System.Buffers;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Flv;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// A connection that publishes: the hub's <see cref="IPublisher"/> for its stream, fed by an
/// <see cref="FlvIngest"/> with the audio, video and metadata messages the peer sends.
/// </summary>
internal sealed partial class RtmpPublishSession
{
    private readonly RtmpConnectionContext _connection;
    private readonly IPublisher _publisher;
    private readonly FlvIngest _ingest;
    private readonly CancellationTokenRegistration _publisherClosed;

    private RtmpPublishSession(RtmpConnectionContext connection, IPublisher publisher)
    {
        _connection = connection;
        _publisher = publisher;
        _ingest = new FlvIngest(publisher, connection.Logger);
        _publisherClosed = publisher.Closed.Register(static state => ((RtmpConnectionContext)state!).Abort("publisher closed by the server"), connection);
    }

    /// <summary>Asks the hub for the stream; on success the session becomes the connection's <see cref="RtmpConnectionContext.Publish"/>.</summary>
    public static async ValueTask StartAsync(RtmpConnectionContext connection, int messageStreamId, string? name)
    {
        if (!RtmpStreamName.TryParse(connection.App, connection.TcUrl, name, out var stream))
        {
            string error = $"invalid stream name '{name}'";
            Log.PublishRefused(connection.Logger, connection.App ?? "-", connection.Peer, "NetStream.Publish.BadName", error);
            await connection.RefuseAsync(messageStreamId, "NetStream.Publish.BadName", error).ConfigureAwait(false);
            return;
        }

        connection.StreamId = stream.StreamId;
        connection.EndSetupTimeout();
        IPublisher publisher;
        try
        {
            publisher = await connection.Plugin.Hub.PublishAsync(
                new PublishRequest { StreamId = stream.StreamId, Protocol = "rtmp", RemoteEndPoint = connection.RemoteEndPoint, Query = stream.Query },
                connection.Aborted).ConfigureAwait(false);
        }
        catch (StreamDeniedException ex)
        {
            Log.PublishDenied(connection.Logger, stream.StreamId, connection.Peer, ex.Reason, ex.Message);
            string code = ex.Reason switch
            {
                DenyReason.AlreadyPublished => "NetStream.Publish.BadName",
                DenyReason.Forbidden => "NetStream.Publish.Unauthorized",
                _ => "NetStream.Publish.Rejected",
            };
            await connection.RefuseAsync(messageStreamId, code, ex.Message).ConfigureAwait(false);
            return;
        }

        connection.Publish = new RtmpPublishSession(connection, publisher);
        Log.PublishStarted(connection.Logger, stream.StreamId, connection.Peer);
        var output = connection.Output;
        RtmpCommandWriter.WriteOnStatus(output.Buffer, messageStreamId, output.ChunkSize, "status", "NetStream.Publish.Start", $"{stream.StreamId} is now published.");
        await output.FlushAsync().ConfigureAwait(false);
    }

    public void OnAudio(uint timestamp, in ReadOnlySequence<byte> payload) => _ingest.OnAudio(timestamp, payload);

    public void OnVideo(uint timestamp, in ReadOnlySequence<byte> payload) => _ingest.OnVideo(timestamp, payload);

    /// <summary>A data message: @setDataFrame("onMetaData", {...}) from encoders, or onMetaData({...}) directly; others are ignored.</summary>
    public void OnData(List<object?> values)
    {
        int index = values.Count > 0 && values[0] is "@setDataFrame" ? 1 : 0;
        if (values.Count < index + 2 || values[index] is not "onMetaData")
        {
            return;
        }

        if (values[index + 1] is IEnumerable<KeyValuePair<string, object?>> properties)
        {
            _ingest.OnMetadata(new StreamMetadata([.. properties]));
        }
    }

    public void AddBytesReceived(long count) => _publisher.AddBytesReceived(count);

    /// <summary>Ends the publish (FCUnpublish, deleteStream, the connection closing); later media messages are ignored.</summary>
    public async ValueTask EndAsync(string reason)
    {
        if (_connection.Publish != this)
        {
            return;
        }

        _connection.Publish = null;
        _publisherClosed.Dispose();
        try
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Log.PublishStopped(_connection.Logger, _publisher.StreamId, _connection.Peer, reason, _connection.BytesReceived);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish {StreamId} from {Peer} started")]
        public static partial void PublishStarted(ILogger logger, string streamId, string peer);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish {StreamId} from {Peer} ended ({Reason}), {Bytes} bytes received")]
        public static partial void PublishStopped(ILogger logger, string streamId, string peer, string reason, long bytes);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish {StreamId} from {Peer} denied ({DenyReason}): {Message}")]
        public static partial void PublishDenied(ILogger logger, string streamId, string peer, DenyReason denyReason, string message);

        [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish in app {App} from {Peer} refused with {Code}: {Reason}")]
        public static partial void PublishRefused(ILogger logger, string app, string peer, string code, string reason);
    }
}
