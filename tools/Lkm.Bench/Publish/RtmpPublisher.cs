using System.Buffers;
using System.Net;
using Lkm.Bench.Net;
using Lkm.Bench.Play;
using Lkm.Bench.Rtmp;
using Lkm.Sdk.Amf;

namespace Lkm.Bench.Publish;

/// <summary>
/// One RTMP publisher, as OBS/ffmpeg do it: handshake, Set Chunk Size 4096, connect, releaseStream, FCPublish,
/// createStream, publish; then @setDataFrame onMetaData and the file's tags paced by their timestamps,
/// looping with continuous timestamps (codec headers only on the first loop).
/// </summary>
public static class RtmpPublisher
{
    public const int ChunkSize = 4096;

    // Smaller waits than this are not worth a timer: the tag goes out a moment early.
    private static readonly long MinimumWaitTicks = RunClock.OneSecond / 1000;
    private const int FlushThreshold = 256 * 1024;

    public static async Task RunAsync(StreamUrl url, EndPoint endPoint, FlvFileSource source, PublisherStats stats, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var (app, streamName) = url.RtmpTarget(stats.Index);
        long connectStart = RunClock.Now;
        await using var connection = await RtmpClientConnection.ConnectAsync(endPoint, null, PlayerRunner.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
        var receive = connection.StartReceiveLoop(cancellationToken);
        uint streamId;
        try
        {
            await connection.SetChunkSizeAsync(ChunkSize, cancellationToken).ConfigureAwait(false);
            var connect = new Amf0Object
            {
                { "app", app },
                { "type", "nonprivate" },
                { "flashVer", "FMLE/3.0 (compatible; Lkm.Bench)" },
                { "tcUrl", url.TcUrl(app) },
            };
            await connection.InvokeAsync("connect", 0, connect, [], PlayerRunner.CommandTimeout, cancellationToken).ConfigureAwait(false);
            await connection.SendCommandAsync("releaseStream", connection.NextTransaction(), 0, null, [streamName], cancellationToken).ConfigureAwait(false);
            await connection.SendCommandAsync("FCPublish", connection.NextTransaction(), 0, null, [streamName], cancellationToken).ConfigureAwait(false);
            var created = await connection.InvokeAsync("createStream", 0, null, [], PlayerRunner.CommandTimeout, cancellationToken).ConfigureAwait(false);
            streamId = created.Count > 3 && created[3] is double id ? (uint)id
                : throw new RtmpStatusException("createStream", "no stream id in the _result");
            var started = connection.ExpectStatus();
            await connection.SendCommandAsync("publish", 0, streamId, null, [streamName, "live"], cancellationToken).ConfigureAwait(false);
            var status = await started.WaitAsync(PlayerRunner.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (status["code"] is not "NetStream.Publish.Start")
            {
                throw new RtmpStatusException(status["code"] as string ?? "publish", status["description"] as string);
            }
        }
        catch when (receive.IsFaulted)
        {
            await receive.ConfigureAwait(false);
            throw;
        }

        stats.PublishStartMs = RunClock.ToMilliseconds(RunClock.Now - connectStart);
        long end = duration is TimeSpan d ? RunClock.Now + RunClock.ToTicks(d) : long.MaxValue;
        try
        {
            await SendLoopAsync(connection, receive, source, streamId, stats, end, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        // A clean end, as encoders do: the server unpublishes now rather than on the socket close.
        await connection.SendCommandAsync("FCUnpublish", connection.NextTransaction(), 0, null, [streamName], cancellationToken).ConfigureAwait(false);
        await connection.SendCommandAsync("deleteStream", connection.NextTransaction(), 0, null, [(double)streamId], cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendLoopAsync(RtmpClientConnection connection, Task receive, FlvFileSource source, uint streamId, PublisherStats stats, long end, CancellationToken cancellationToken)
    {
        long t0 = RunClock.Now;
        try
        {
            await SendTagsAsync(connection, receive, source, streamId, stats, t0, end, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stats.PublishedSeconds = RunClock.ToSeconds(RunClock.Now - t0);
        }
    }

    private static async Task SendTagsAsync(RtmpClientConnection connection, Task receive, FlvFileSource source, uint streamId, PublisherStats stats, long t0, long end, CancellationToken cancellationToken)
    {
        var batch = new ArrayBufferWriter<byte>(64 * 1024);
        if (source.SetDataFrame is { } metadata)
        {
            RtmpChunkWriter.WriteMessage(batch, RtmpControl.DataChunkStream, RtmpMessageType.DataAmf0, streamId, 0, metadata, ChunkSize);
        }

        long loopOffset = 0;
        for (int loop = 0; ; loop++)
        {
            foreach (var tag in source.Tags)
            {
                if (loop > 0 && tag.IsSequenceHeader)
                {
                    continue;
                }

                long timestamp = tag.TimestampMs + loopOffset;
                long due = t0 + (timestamp * RunClock.OneSecond / 1000);
                if (due >= end)
                {
                    await FlushAsync(connection, receive, batch, cancellationToken).ConfigureAwait(false);
                    return;
                }

                long wait = due - RunClock.Now;
                if (wait >= MinimumWaitTicks)
                {
                    await FlushAsync(connection, receive, batch, cancellationToken).ConfigureAwait(false);
                    wait = due - RunClock.Now;
                    if (wait > 0)
                    {
                        await Task.Delay(RunClock.ToTimeSpan(wait), cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (-wait > 0)
                {
                    stats.MaxLateMs = Math.Max(stats.MaxLateMs, RunClock.ToMilliseconds(-wait));
                }

                int chunkStream = tag.Type == RtmpMessageType.Audio ? RtmpControl.AudioChunkStream : RtmpControl.VideoChunkStream;
                RtmpChunkWriter.WriteMessage(batch, chunkStream, tag.Type, streamId, (uint)timestamp, source.Body(tag), ChunkSize);
                stats.Tags++;
                stats.MediaBytes += tag.Length;
                if (batch.WrittenCount >= FlushThreshold)
                {
                    await FlushAsync(connection, receive, batch, cancellationToken).ConfigureAwait(false);
                }
            }

            loopOffset += source.LoopDurationMs;
            stats.Loops = loop + 1;
        }
    }

    private static async Task FlushAsync(RtmpClientConnection connection, Task receive, ArrayBufferWriter<byte> batch, CancellationToken cancellationToken)
    {
        if (receive.IsFaulted)
        {
            // The server closed or refused: report its reason, not a broken pipe.
            await receive.ConfigureAwait(false);
        }

        if (batch.WrittenCount > 0)
        {
            await connection.SendAsync(batch.WrittenMemory, cancellationToken).ConfigureAwait(false);
            batch.ResetWrittenCount();
        }
    }
}
