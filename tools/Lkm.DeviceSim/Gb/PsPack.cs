using System.Buffers;
using System.Threading.Channels;
using Lkm.DeviceSim.Media;
using Lkm.Sdk.MpegPs;

namespace Lkm.DeviceSim.Gb;

/// <summary>One muxed PS pack (one frame), shared read-only by every device that sends it.</summary>
internal sealed class PsPack(byte[] data, long dts90, bool isVideo)
{
    public byte[] Data { get; } = data;

    /// <summary>Media time from the start of the run (loops included), 90 kHz: when it is due, and the RTP time stamp.</summary>
    public long Dts90 { get; } = dts90;

    public bool IsVideo { get; } = isVideo;
}

/// <summary>
/// Reads a feed (again for each loop), shifts time stamps to one timeline from 0, applies the shared playback
/// options (duration, audio delay, audio first) and muxes each unit into a PS pack ahead of the sender.
/// </summary>
internal static class PsPackProducer
{
    public static async Task RunAsync(MediaFeed feed, PlaybackOptions playback, ChannelWriter<PsPack> writer, CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            await ProduceAsync(feed, playback, writer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex;
        }

        writer.TryComplete(error);
    }

    private static async Task ProduceAsync(MediaFeed feed, PlaybackOptions playback, ChannelWriter<PsPack> writer, CancellationToken cancellationToken)
    {
        long limit = playback.Duration is TimeSpan d ? To90(d) : long.MaxValue;
        long audioDelay = To90(playback.AudioDelay);
        long audioFirst = To90(playback.AudioFirst);
        var buffer = new ArrayBufferWriter<byte>(256 * 1024);
        PsMuxer? muxer = null;
        bool videoStarted = false;
        long offset = 0;
        while (true)
        {
            long? first = null;
            long lastVideo = long.MinValue, lastAudio = long.MinValue;
            long videoStep = 3600, audioStep = 1800; // 40 ms, 20 ms until measured
            await foreach (var unit in feed.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                first ??= unit.Dts90;
                long dts = Math.Max(0, unit.Dts90 - first.Value + offset);
                long pts = Math.Max(dts, unit.Pts90 - first.Value + offset);
                if (dts >= limit)
                {
                    return;
                }

                if (unit.IsVideo)
                {
                    videoStep = lastVideo != long.MinValue && dts > lastVideo ? dts - lastVideo : videoStep;
                    lastVideo = dts;
                    if (dts < audioFirst || !(videoStarted || unit.KeyFrame))
                    {
                        continue;
                    }

                    videoStarted = true;
                }
                else
                {
                    audioStep = lastAudio != long.MinValue && dts > lastAudio ? dts - lastAudio : audioStep;
                    lastAudio = dts;
                    if (pts < audioDelay)
                    {
                        continue;
                    }
                }

                var format = feed.Format;
                if ((unit.IsVideo ? format.VideoStreamType : format.AudioStreamType) == 0)
                {
                    continue; // a track the format does not carry
                }

                muxer ??= new PsMuxer(format.VideoStreamType, format.AudioStreamType);
                buffer.ResetWrittenCount();
                if (unit.IsVideo)
                {
                    muxer.WriteVideo(buffer, unit.Data.Span, pts, dts, unit.KeyFrame);
                }
                else
                {
                    muxer.WriteAudio(buffer, unit.Data.Span, pts);
                }

                await writer.WriteAsync(new PsPack(buffer.WrittenSpan.ToArray(), dts, unit.IsVideo), cancellationToken).ConfigureAwait(false);
            }

            if (!playback.Loop || first is null)
            {
                return;
            }

            // The next pass starts one video frame after this one's last (one audio frame after it without video), so
            // the video keeps its frame rate across the loop.
            offset = lastVideo != long.MinValue ? lastVideo + videoStep : lastAudio + audioStep;
        }
    }

    private static long To90(TimeSpan time) => (long)(time.TotalSeconds * 90_000);
}
