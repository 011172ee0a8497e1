using System.Buffers;
using System.Net.Sockets;
using Lkm.Plugins.Rtmp.Protocol;
using Lkm.Sdk.Buffers;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Session;

/// <summary>
/// The connection's own writes (handshake, control messages, command replies, onStatus) on its
/// socket, until a player's sink takes the socket over. Messages are buffered and sent together by
/// <see cref="FlushAsync"/>, chunked at the size the peer was told.
/// </summary>
internal sealed partial class RtmpReplyWriter : IDisposable
{
    private readonly RtmpConnectionContext _connection;
    private readonly PooledBufferWriter _output = new();
    private bool _handedOver;

    public RtmpReplyWriter(RtmpConnectionContext connection) => _connection = connection;

    /// <summary>Where the next messages are written; sent by <see cref="FlushAsync"/>.</summary>
    public IBufferWriter<byte> Buffer => _output;

    /// <summary>The chunk size the peer was last told (128 until SetChunkSize).</summary>
    public int ChunkSize { get; private set; } = RtmpChunkReader.DefaultChunkSize;

    /// <summary>SetChunkSize must reach the peer before any message (player media in particular) uses the larger size.</summary>
    public void AnnounceChunkSize()
    {
        int chunkSize = _connection.Options.ChunkSize;
        if (ChunkSize != chunkSize)
        {
            RtmpControlMessages.WriteSetChunkSize(_output, chunkSize, ChunkSize);
            ChunkSize = chunkSize;
        }
    }

    /// <summary>The socket belongs to a player's sink from now on: nothing more is sent from here.</summary>
    public void HandOver() => _handedOver = true;

    public ValueTask FlushAsync()
    {
        if (_output.WrittenCount == 0)
        {
            return ValueTask.CompletedTask;
        }

        if (_handedOver)
        {
            // The socket belongs to the sink's writer loop now: a reply here could split its chunks.
            Log.DroppedWhilePlaying(_connection.Logger, _connection.Peer, _connection.StreamId, _output.WrittenCount);
            _output.Clear();
            return ValueTask.CompletedTask;
        }

        return FlushCoreAsync();

        async ValueTask FlushCoreAsync()
        {
            await SendAsync(_output.WrittenMemory).ConfigureAwait(false);
            _output.Clear();
        }
    }

    /// <summary>Sends <paramref name="bytes"/> now, past the buffer (the handshake's raw packets).</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _connection.Socket.SendAsync(bytes, SocketFlags.None, _connection.Aborted).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    public void Dispose() => _output.Dispose();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "RTMP {Peer} ({StreamId}): ignored {Bytes} bytes of replies while playing")]
        public static partial void DroppedWhilePlaying(ILogger logger, string peer, string streamId, int bytes);
    }
}
