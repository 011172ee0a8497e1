using System.Buffers;
using Lkm.Plugins.Gb28181.Sources;
using Lkm.Sdk.Media;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Plugins.Gb28181.Tests.Sources;

/// <summary>RTP carrying PS into the ingest: order, loss, and what marker bits may and may not be trusted for.</summary>
public sealed class RtpPsReceiverTests
{
    // A real x264 320x240 Constrained Baseline SPS and its PPS.
    private static readonly byte[] Sps = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    private static readonly byte[] Pps = Convert.FromHexString("68cb83cb20");

    [Fact]
    public void In_order_frames_reach_the_publisher_at_their_marker_without_waiting_for_the_next()
    {
        using var run = new Run(reorderWindow: 16);
        run.Feed(run.Frame(0, key: true));
        run.Feed(run.Frame(1, key: false));
        Assert.Equal(2, run.VideoFrames);   // the second is out at its marker, not when a third starts
        Assert.Equal(0, run.Receiver.Gaps);
        Assert.False(run.Receiver.MarkersIgnored);
    }

    [Fact]
    public void A_lost_packet_drops_its_frame_and_the_next_key_frame_plays()
    {
        using var run = new Run(reorderWindow: 0);   // TCP: in order, gaps are losses at once
        run.Feed(run.Frame(0, key: true));
        var broken = run.Frame(1, key: false);
        Assert.True(broken.Count >= 3);
        broken.RemoveAt(1);
        run.Feed(broken);
        run.Feed(run.Frame(2, key: false));        // a pack of its own: reading starts again there
        run.Feed(run.Frame(3, key: true));
        run.Receiver.Finish();
        Assert.Equal(1, run.Receiver.Gaps);
        Assert.True(run.Ingest.Demuxer.DroppedFrames >= 1);
        Assert.Equal([0L, 80L, 120L], run.VideoTimes);  // the frame with missing bytes (40) never reached the publisher
    }

    [Fact]
    public void Reordered_udp_packets_are_put_back_and_the_frame_is_whole()
    {
        using var run = new Run(reorderWindow: 16);
        run.Feed(run.Frame(0, key: true));
        var frame = run.Frame(1, key: false);
        (frame[0], frame[1]) = (frame[1], frame[0]);
        run.Feed(frame);
        Assert.Equal(2, run.VideoFrames);
        Assert.Equal(1, run.Receiver.Reorder!.Reordered);
        Assert.Equal(0, run.Receiver.Gaps);
        Assert.Equal(0, run.Ingest.Demuxer.DroppedFrames);
    }

    [Fact]
    public void A_device_marking_every_packet_has_its_markers_ignored_and_frames_stay_whole()
    {
        using var run = new Run(reorderWindow: 16, markEvery: true);
        for (int i = 0; i < 6; i++)
        {
            run.Feed(run.Frame(i, key: i % 3 == 0));
        }

        run.Receiver.Finish();
        Assert.True(run.Receiver.MarkersIgnored);
        Assert.True(run.VideoFrames >= 5, $"{run.VideoFrames} frames");
        Assert.All(run.VideoSizes.Skip(1), size => Assert.True(size >= 3000, $"a frame of {size} bytes was cut at a marker"));
    }

    /// <summary>A receiver over a real <see cref="PsIngest"/> into a recording publisher, and a GB-style device to feed it.</summary>
    private sealed class Run : IDisposable
    {
        private readonly PsMuxer _muxer = new(PsStreamType.H264, 0);
        private readonly RtpPacketizer _packetizer = new(96, 1234, maxPayload: 1000);
        private readonly RecordingPublisher _publisher = new();
        private readonly bool _markEvery;

        public Run(int reorderWindow, bool markEvery = false)
        {
            _markEvery = markEvery;
            Ingest = new PsIngest(_publisher, NullLogger.Instance, probeWindowMs: 100);
            Receiver = new RtpPsReceiver(Ingest, reorderWindow, 100);
        }

        public PsIngest Ingest { get; }

        public RtpPsReceiver Receiver { get; }

        public int VideoFrames => VideoTimes.Count;

        public List<long> VideoTimes => [.. Video.Select(p => p.Dts)];

        public List<int> VideoSizes => [.. Video.Select(p => p.Data.Length)];

        private IEnumerable<RecordedPacket> Video
        {
            get
            {
                var track = _publisher.Tracks.FirstOrDefault(t => t.MediaType == MediaType.Video);
                return track is null ? [] : _publisher.Packets.Where(p => p.TrackIndex == track.Index);
            }
        }

        /// <summary>Frame <paramref name="index"/> (40 ms apart) as RTP packets.</summary>
        public List<byte[]> Frame(int index, bool key)
        {
            var body = new byte[3000 + index];
            new Random(index).NextBytes(body);
            body[0] = 0x01;
            for (int i = 0; i < body.Length; i++)
            {
                body[i] = body[i] == 0 ? (byte)1 : body[i];   // no start codes inside the slice
            }

            byte[] annexB = key
                ? [0, 0, 0, 1, .. Sps, 0, 0, 0, 1, .. Pps, 0, 0, 0, 1, 0x65, .. body]
                : [0, 0, 0, 1, 0x41, .. body];
            long pts = 3600 * (index + 1);
            var ps = new ArrayBufferWriter<byte>();
            _muxer.WriteVideo(ps, annexB, pts, pts, key);
            var packets = new List<byte[]>();
            var scratch = new byte[1100];
            _packetizer.Packetize(ps.WrittenSpan, (uint)pts, scratch, p =>
            {
                var copy = p.ToArray();
                if (_markEvery)
                {
                    copy[1] |= 0x80;
                }

                packets.Add(copy);
            });
            return packets;
        }

        public void Feed(IEnumerable<byte[]> packets)
        {
            foreach (var packet in packets)
            {
                Assert.True(RtpHeader.TryParse(packet, out var header, out int offset, out int length));
                Receiver.OnPacket(packet, header, offset, length, Environment.TickCount64);
            }
        }

        public void Dispose()
        {
            Receiver.Dispose();
            Ingest.Dispose();
        }
    }
}
