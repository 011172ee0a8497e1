using System.Buffers;
using System.Net;
using Lkm.Bench.Net;
using Lkm.Bench.Rtmp;
using Lkm.Sdk.Amf;

namespace Lkm.Bench.Play;

/// <summary>An RTMP player: handshake, connect, window ack size, createStream, play (what ffmpeg sends).</summary>
public static class RtmpPlayer
{
    private const uint ClientWindowAckSize = 2_500_000;
    private const uint BufferLengthMs = 3000;

    public static async Task PlayAsync(StreamUrl url, EndPoint endPoint, PlayerStats stats, ReadPacer? pacer, CancellationToken runEnd)
    {
        var (app, streamName) = url.RtmpTarget(stats.Index);
        stats.ConnectStartTicks = RunClock.Now;
        await using var connection = await RtmpClientConnection.ConnectAsync(endPoint, stats, PlayerRunner.ConnectTimeout, runEnd).ConfigureAwait(false);
        stats.ConnectedTicks = RunClock.Now;
        if (pacer is not null)
        {
            connection.PaceReads(pacer, () => stats.HasKeyframe);
        }

        await connection.HandshakeAsync(runEnd).ConfigureAwait(false);
        var receive = connection.StartReceiveLoop(runEnd);
        try
        {
            var connect = new Amf0Object
            {
                { "app", app },
                { "flashVer", "LNX 9,0,124,2" },
                { "tcUrl", url.TcUrl(app) },
                { "fpad", false },
                { "capabilities", 15.0 },
                { "audioCodecs", 4071.0 },
                { "videoCodecs", 252.0 },
                { "videoFunction", 1.0 },
            };
            await connection.InvokeAsync("connect", 0, connect, [], PlayerRunner.CommandTimeout, runEnd).ConfigureAwait(false);

            var control = new ArrayBufferWriter<byte>(64);
            RtmpControl.WindowAckSize(control, ClientWindowAckSize);
            await connection.SendAsync(control.WrittenMemory, runEnd).ConfigureAwait(false);
            var created = await connection.InvokeAsync("createStream", 0, null, [], PlayerRunner.CommandTimeout, runEnd).ConfigureAwait(false);
            uint streamId = created.Count > 3 && created[3] is double id ? (uint)id
                : throw new RtmpStatusException("createStream", "no stream id in the _result");

            // play (start -2000 = live or recorded, as ffmpeg sends it) and the client buffer length, in one write.
            var play = new ArrayBufferWriter<byte>(256);
            RtmpControl.Command(play, connection.OutChunkSize, streamId, "play", 0.0, null, streamName, -2000.0);
            RtmpControl.SetBufferLength(play, streamId, BufferLengthMs);
            stats.PlayRequestTicks = RunClock.Now;
            await connection.SendAsync(play.WrittenMemory, runEnd).ConfigureAwait(false);
        }
        catch when (receive.IsFaulted)
        {
            // The receive loop's own failure is the better reason (e.g. closed by the server).
            await receive.ConfigureAwait(false);
            throw;
        }

        await receive.ConfigureAwait(false);
    }
}
