using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lkm.Bench.Flv;
using Lkm.Bench.Http;
using Lkm.Bench.Net;

namespace Lkm.Bench.Play;

/// <summary>An HTTP-FLV player: GET, then the FLV body (identity or chunked) scanned tag header by tag header.</summary>
public static class HttpFlvPlayer
{
    public static async Task PlayAsync(StreamUrl url, EndPoint endPoint, PlayerStats stats, ReadPacer? pacer, CancellationToken runEnd)
    {
        stats.ConnectStartTicks = RunClock.Now;
        using var socket = await TcpConnector.ConnectAsync(endPoint, PlayerRunner.ConnectTimeout, runEnd).ConfigureAwait(false);
        stats.ConnectedTicks = RunClock.Now;
        var input = PipeFactory.CreateReader(socket);
        try
        {
            byte[] request = Encoding.ASCII.GetBytes(
                $"GET {url.PathFor(stats.Index)} HTTP/1.1\r\nHost: {url.HostHeader}\r\nUser-Agent: Lkm.Bench\r\nAccept: */*\r\n\r\n");
            stats.PlayRequestTicks = RunClock.Now;
            await socket.SendAsync(request, SocketFlags.None, runEnd).ConfigureAwait(false);
            var head = await HttpHeadReader.ReadAsync(input, runEnd).ConfigureAwait(false);
            if (head.Status != 200)
            {
                throw new PlayRefusedException($"HTTP {head.Status} {head.Reason}");
            }

            var scanner = new FlvTagScanner(stats);
            var chunked = head.IsChunked ? new ChunkedBodyDecoder() : null;
            while (true)
            {
                var result = await input.ReadAsync(runEnd).ConfigureAwait(false);
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                if (chunked is null)
                {
                    foreach (var segment in buffer)
                    {
                        scanner.Feed(segment.Span);
                    }

                    reader.AdvanceToEnd();
                }
                else if (chunked.Decode(ref reader, scanner))
                {
                    throw new EndOfStreamException("the server ended the response");
                }

                input.AdvanceTo(reader.Position, buffer.End);
                if (result.IsCompleted)
                {
                    throw new EndOfStreamException("closed by the server");
                }

                if (pacer is not null && stats.HasKeyframe)
                {
                    await pacer.NextTick.ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }
}
