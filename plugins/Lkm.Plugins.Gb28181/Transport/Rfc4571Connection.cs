using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Sdk.Rtp;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Gb28181.Transport;

/// <summary>
/// One TCP connection carrying RTP in RFC 4571 framing (a device that connected to us, or one we dialled): packets
/// are cut out of the pipe without copies (one copy only for a packet split across pipe segments) and handed to the
/// source <see cref="Route"/> picks from the first packet's SSRC. Framing resynchronises over a bounded stretch of
/// garbage; a stream that cannot be framed ends the connection. The source ends when the connection does.
/// </summary>
internal sealed partial class Rfc4571Connection
{
    private readonly Socket _socket;
    private readonly Func<uint, GbSource?> _route;
    private readonly ILogger _logger;
    private readonly EndPoint? _remote;

    /// <param name="route">The source for the first packet's SSRC; null drops the connection (no such source).</param>
    public Rfc4571Connection(Socket socket, Func<uint, GbSource?> route, ILogger logger)
    {
        _socket = socket;
        _route = route;
        _logger = logger;
        _remote = socket.RemoteEndPoint;
    }

    public GbSource? Source { get; private set; }

    private string RemoteText => _remote?.ToString() ?? "-";

    /// <summary>Reads until the device or the source ends it; then closes the source with the reason.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The source's close (API, timeout, refusal) ends a read that waits for data.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationTokenRegistration onSourceClosed = default;
        _socket.NoDelay = true;
        var stream = new NetworkStream(_socket, ownsSocket: false);
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true));
        var framer = new Rfc4571FrameReader(resync: true);
        byte[]? scratch = null;
        string reason = "the device closed the connection";
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (true)
                {
                    var status = framer.TryRead(ref buffer, out var packet);
                    if (status == Rfc4571ReadStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (status == Rfc4571ReadStatus.Invalid)
                    {
                        reason = $"not RTP in RFC 4571 framing ({framer.SkippedBytes} bytes skipped without finding a packet)";
                        Log.Unframed(_logger, Source?.Id ?? "-", RemoteText, framer.SkippedBytes);
                        return;
                    }

                    ReadOnlySpan<byte> span;
                    if (packet.IsSingleSegment)
                    {
                        span = packet.FirstSpan;
                    }
                    else
                    {
                        scratch ??= ArrayPool<byte>.Shared.Rent(Rfc4571Framing.MaxPacketLength);
                        packet.CopyTo(scratch);
                        span = scratch.AsSpan(0, (int)packet.Length);
                    }

                    bool known = Source is not null;
                    bool delivered = Deliver(span);
                    if (!known && Source is not null)
                    {
                        onSourceClosed = Source.Closing.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), stop);
                    }

                    if (!delivered)
                    {
                        reason = Source is null ? "no source for its SSRC" : "the source was closed";
                        return;
                    }
                }

                pipe.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }

            }
        }
        catch (OperationCanceledException)
        {
            reason = Source is { IsClosed: true } ? "the source was closed" : "the plugin stopped";
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            reason = $"connection lost ({ex.Message})";
        }
        finally
        {
            await onSourceClosed.DisposeAsync().ConfigureAwait(false);
            await pipe.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            if (Source is { } source)
            {
                await source.CloseAsync(reason).ConfigureAwait(false);
            }
        }
    }

    private bool Deliver(ReadOnlySpan<byte> packet)
    {
        if (Source is null)
        {
            if (!RtpHeader.TryReadSsrc(packet, out uint ssrc))
            {
                return true; // the framer let a short frame through: wait for a real packet
            }

            var source = _route(ssrc);
            if (source is null || !source.TryAttachConnection())
            {
                Log.NoSource(_logger, RemoteText, ssrc, source is null ? "no source was created for it" : $"stream {source.Id} already has its connection");
                return false;
            }

            Source = source;
        }

        Source.OnPacket(packet, null, _remote ?? new IPEndPoint(IPAddress.None, 0));
        return !Source.IsClosed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "GB28181 TCP from {Remote}, SSRC {Ssrc}: {Why}; connection closed")]
        public static partial void NoSource(ILogger logger, string remote, uint ssrc, string why);

        [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "GB28181 stream {StreamId}: TCP from {Remote} is not RTP in RFC 4571 framing ({Skipped} bytes skipped); connection closed")]
        public static partial void Unframed(ILogger logger, string streamId, string remote, long skipped);
    }
}
