using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Networking;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Samples.MpegTs;

/// <summary>
/// One TCP connection carrying MPEG-TS (what <c>ffmpeg -f mpegts tcp://host:port</c> sends): one publish of the
/// port's stream for the life of the connection. A connection whose first byte is not the 0x47 sync byte is refused.
/// </summary>
internal static partial class TcpTsConnection
{
    private const int BufferSize = 64 * 1024;

    public static async Task RunAsync(Socket socket, MpegTsPort port, IPluginContext context, MpegTsOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var remote = socket.RemoteEndPoint;
        string remoteText = remote?.ToString() ?? "-";
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            timeout.CancelAfter(options.ReceiveTimeout);
            int read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            if (buffer[0] != TsPacketHeader.SyncByte)
            {
                Log.NotTs(logger, remoteText, port.Port, buffer[0]);
                return;
            }

            IPublisher publisher;
            try
            {
                publisher = await context.Hub.PublishAsync(new PublishRequest { StreamId = port.StreamId, Protocol = MpegTsPlugin.Protocol, RemoteEndPoint = remote }, cancellationToken).ConfigureAwait(false);
            }
            catch (StreamDeniedException ex)
            {
                Log.Denied(logger, remoteText, port.StreamId, ex.Reason.ToString(), ex.Message);
                return;
            }

            Log.Publishing(logger, remoteText, port.StreamId);
            string reason = "the sender closed the connection";
            await using (publisher.ConfigureAwait(false))
            {
                using var ingest = new TsIngest(publisher, logger);
                using var closed = publisher.Closed.Register(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
                try
                {
                    while (read > 0)
                    {
                        ingest.Feed(buffer.AsSpan(0, read));
                        timeout.CancelAfter(options.ReceiveTimeout);
                        read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    }

                    ingest.Flush();
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    reason = publisher.Closed.IsCancellationRequested ? "the server ended the publish" : $"nothing received for {options.ReceiveTimeout.TotalSeconds:0.###} s";
                }
                catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
                {
                    reason = "the connection broke";
                }

                Log.Ended(logger, port.StreamId, remoteText, reason, ingest.Demuxer.Packets);
            }
        }
        catch (OperationCanceledException)
        {
            // The first read timed out or the server is shutting down.
        }
        catch (Exception ex) when (ConnectionErrors.IsConnectionError(ex))
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            socket.Dispose(); // the host disposes it too when this task ends; closing here makes the end immediate
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS TCP from {Remote}: publishing {StreamId}")]
        public static partial void Publishing(ILogger logger, string remote, string streamId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "MPEG-TS TCP from {Remote} refused: not MPEG-TS (first byte 0x{FirstByte:X2}, expected the 0x47 sync byte) on port {Port}")]
        public static partial void NotTs(ILogger logger, string remote, int port, byte firstByte);

        [LoggerMessage(Level = LogLevel.Warning, Message = "MPEG-TS TCP from {Remote}: publish of {StreamId} refused ({Reason}: {Message})")]
        public static partial void Denied(ILogger logger, string remote, string streamId, string reason, string message);

        [LoggerMessage(Level = LogLevel.Information, Message = "MPEG-TS stream {StreamId} from {Remote} ended: {Reason} ({Packets} TS packets)")]
        public static partial void Ended(ILogger logger, string streamId, string remote, string reason, long packets);
    }
}
