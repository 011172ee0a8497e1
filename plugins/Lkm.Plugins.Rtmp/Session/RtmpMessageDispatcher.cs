using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Amf;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// Reads the chunk stream into messages and sends each where it belongs: media and metadata to the
/// publish session, commands to <see cref="RtmpCommandDispatcher"/>; control messages (window size,
/// ping) and acknowledgements are answered here.
/// </summary>
internal sealed partial class RtmpMessageDispatcher : IDisposable
{
    private readonly RtmpConnectionContext _connection;
    private readonly RtmpChunkReader _chunks;
    private readonly RtmpCommandDispatcher _commands;
    private long _bytesAcknowledged;
    private long _ackWindow;

    public RtmpMessageDispatcher(RtmpConnectionContext connection)
    {
        _connection = connection;
        _chunks = new RtmpChunkReader(connection.Options.MaxMessageSize, connection.Options.MaxChunkStreams);
        _commands = new RtmpCommandDispatcher(connection);
        _ackWindow = connection.Options.WindowAckSize;
    }

    /// <summary>Reads until the peer closes, the connection stops reading or it is aborted.</summary>
    public async Task ReadMessagesAsync(PipeReader input)
    {
        var connection = _connection;
        while (!connection.StopReading)
        {
            var result = await input.ReadAsync(connection.ReadToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            long available = buffer.Length;
            try
            {
                while (!connection.StopReading && _chunks.TryReadMessage(ref buffer, out var message))
                {
                    // Payload stays valid while this read buffer is not advanced.
                    var pending = HandleMessageAsync(message);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        await pending.ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            await CountReceivedAsync(available - buffer.Length).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    Log.ClosedInChunk(connection.Logger, connection.Peer, connection.StreamId, buffer.Length);
                }

                return;
            }
        }
    }

    public void Dispose() => _chunks.Dispose();

    private ValueTask HandleMessageAsync(RtmpMessage message)
    {
        switch (message.Type)
        {
            case RtmpMessageType.Audio:
                if (_connection.Publish is { } audioTo && message.Length > 0)
                {
                    audioTo.OnAudio(message.Timestamp, message.Payload);
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.Video:
                if (_connection.Publish is { } videoTo && message.Length > 0)
                {
                    videoTo.OnVideo(message.Timestamp, message.Payload);
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.Aggregate:
                HandleAggregate(message);
                return ValueTask.CompletedTask;

            case RtmpMessageType.DataAmf0:
                HandleData(message.Payload);
                return ValueTask.CompletedTask;

            case RtmpMessageType.DataAmf3:
                // AMF3 data messages carry AMF0 after a format byte of 0 in practice; anything else is ignored.
                if (IsAmf0InAmf3(message.Payload))
                {
                    HandleData(message.Payload.Slice(1));
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.CommandAmf0:
                return _commands.HandleAsync(message.StreamId, Amf0.DecodeAll(message.Payload));

            case RtmpMessageType.CommandAmf3:
                if (IsAmf0InAmf3(message.Payload) && TryDecodeAmf0(message.Payload.Slice(1), out var values))
                {
                    return _commands.HandleAsync(message.StreamId, values);
                }

                Log.Ignored(_connection.Logger, _connection.Peer, _connection.StreamId, "AMF3 command");
                return ValueTask.CompletedTask;

            case RtmpMessageType.WindowAckSize:
                if (ReadUInt32(message.Payload) is > 0 and var window)
                {
                    _ackWindow = window;
                }

                return ValueTask.CompletedTask;

            case RtmpMessageType.UserControl:
                return HandleUserControlAsync(message);

            default:
                // SetChunkSize and Abort are applied by the chunk reader; acks, bandwidth and shared objects need nothing.
                return ValueTask.CompletedTask;
        }
    }

    private void HandleAggregate(in RtmpMessage aggregate)
    {
        var reader = new AggregateMessageReader(aggregate);
        while (reader.TryReadNext(out var sub))
        {
            switch (sub.Type)
            {
                case RtmpMessageType.Audio when _connection.Publish is { } publish && sub.Length > 0:
                    publish.OnAudio(sub.Timestamp, sub.Payload);
                    break;
                case RtmpMessageType.Video when _connection.Publish is { } publish && sub.Length > 0:
                    publish.OnVideo(sub.Timestamp, sub.Payload);
                    break;
                case RtmpMessageType.DataAmf0:
                    HandleData(sub.Payload);
                    break;
            }
        }
    }

    private void HandleData(in ReadOnlySequence<byte> payload)
    {
        // A broken data message (metadata of a buggy encoder) is not worth ending a publish for.
        if (_connection.Publish is { } publish && TryDecodeAmf0(payload, out var values))
        {
            publish.OnData(values);
        }
    }

    private ValueTask HandleUserControlAsync(in RtmpMessage message)
    {
        if (message.Length < 6 || _connection.Play is not null)
        {
            return ValueTask.CompletedTask;
        }

        Span<byte> bytes = stackalloc byte[6];
        message.Payload.Slice(0, 6).CopyTo(bytes);
        if ((UserControlEvent)BinaryPrimitives.ReadUInt16BigEndian(bytes) != UserControlEvent.PingRequest)
        {
            return ValueTask.CompletedTask;
        }

        var output = _connection.Output;
        RtmpControlMessages.WriteUserControl(output.Buffer, UserControlEvent.PingResponse, BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]), output.ChunkSize);
        return output.FlushAsync();
    }

    private async ValueTask CountReceivedAsync(long count)
    {
        if (count <= 0)
        {
            return;
        }

        var connection = _connection;
        connection.BytesReceived += count;
        connection.Publish?.AddBytesReceived(count);

        // Acknowledge every half window. A player's socket belongs to its sink's writer loop, so players are not acknowledged.
        if (connection.BytesReceived - _bytesAcknowledged >= _ackWindow / 2)
        {
            _bytesAcknowledged = connection.BytesReceived;
            if (connection.Play is null && !connection.StopReading)
            {
                var output = connection.Output;
                RtmpControlMessages.WriteAcknowledgement(output.Buffer, unchecked((uint)connection.BytesReceived), output.ChunkSize);
                await output.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    private static bool IsAmf0InAmf3(in ReadOnlySequence<byte> payload) => payload.Length > 1 && payload.FirstSpan[0] == 0;

    private bool TryDecodeAmf0(in ReadOnlySequence<byte> payload, out List<object?> values)
    {
        try
        {
            values = Amf0.DecodeAll(payload);
            return true;
        }
        catch (Amf0FormatException ex)
        {
            Log.Ignored(_connection.Logger, _connection.Peer, _connection.StreamId, "malformed AMF: " + ex.Message);
            values = [];
            return false;
        }
    }

    private static uint ReadUInt32(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length < 4)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[4];
        payload.Slice(0, 4).CopyTo(bytes);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer} ({StreamId}): ignored {What}")]
        public static partial void Ignored(ILogger logger, string peer, string streamId, string what);

        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer} ({StreamId}): connection ended: closed in the middle of a chunk ({Bytes} bytes left)")]
        public static partial void ClosedInChunk(ILogger logger, string peer, string streamId, long bytes);
    }
}
