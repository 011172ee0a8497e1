using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lkm.Bench.Flv;
using Lkm.Bench.Http;
using Lkm.Bench.Net;
using Lkm.Bench.WebSockets;

namespace Lkm.Bench.Play;

/// <summary>A WS-FLV player: WebSocket upgrade, then binary frames whose payloads are the FLV stream.</summary>
public static class WsFlvPlayer
{
    public static async Task PlayAsync(StreamUrl url, EndPoint endPoint, PlayerStats stats, ReadPacer? pacer, CancellationToken runEnd)
    {
        stats.ConnectStartTicks = RunClock.Now;
        using var socket = await TcpConnector.ConnectAsync(endPoint, PlayerRunner.ConnectTimeout, runEnd).ConfigureAwait(false);
        stats.ConnectedTicks = RunClock.Now;
        var input = PipeFactory.CreateReader(socket);
        try
        {
            string key = WebSocketHandshake.CreateKey();
            byte[] request = Encoding.ASCII.GetBytes(WebSocketHandshake.Request(url.PathFor(stats.Index), url.HostHeader, key));
            stats.PlayRequestTicks = RunClock.Now;
            await socket.SendAsync(request, SocketFlags.None, runEnd).ConfigureAwait(false);
            var head = await HttpHeadReader.ReadAsync(input, runEnd).ConfigureAwait(false);
            if (head.Status != 101)
            {
                throw new PlayRefusedException($"HTTP {head.Status} {head.Reason} (WebSocket upgrade refused)");
            }

            if (head.Header("Sec-WebSocket-Accept") != WebSocketHandshake.ExpectedAccept(key))
            {
                throw new PlayRefusedException("WebSocket upgrade with a wrong Sec-WebSocket-Accept");
            }

            var scanner = new FlvTagScanner(stats);
            var frames = new WebSocketFrameDecoder();
            var replies = new ArrayBufferWriter<byte>(64);
            while (true)
            {
                var result = await input.ReadAsync(runEnd).ConfigureAwait(false);
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                bool closed = frames.Decode(ref reader, scanner, replies);
                input.AdvanceTo(reader.Position, buffer.End);
                if (replies.WrittenCount > 0)
                {
                    await socket.SendAsync(replies.WrittenMemory, SocketFlags.None, runEnd).ConfigureAwait(false);
                    replies.ResetWrittenCount();
                }

                if (closed)
                {
                    throw new EndOfStreamException($"WebSocket closed by the server (status {frames.CloseStatus})");
                }

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
