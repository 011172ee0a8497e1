using System.Buffers;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;
using Lkm.Sdk.Tests.MpegPs;

namespace Lkm.Sdk.Tests.Rtp;

/// <summary>The packetizer's packets parse back as RTP and their payloads, in order, give the frames back.</summary>
public sealed class RtpPacketizerTests
{
    [Fact]
    public void A_frame_is_cut_into_mtu_sized_packets_with_one_time_stamp_and_the_marker_on_the_last()
    {
        var packetizer = new RtpPacketizer(96, 0x0BEBC201, firstSequence: 65534);
        var frame = new byte[3000];
        new Random(3).NextBytes(frame);
        var scratch = new byte[1500];
        var packets = new List<byte[]>();

        int count = packetizer.Packetize(frame, 123_456, scratch, p => packets.Add(p.ToArray()));

        Assert.Equal(3, count);
        var headers = packets.Select(p =>
        {
            Assert.True(RtpHeader.TryParse(p, out var h, out _, out _));
            return h;
        }).ToList();
        Assert.Equal([(ushort)65534, (ushort)65535, (ushort)0], headers.Select(h => h.SequenceNumber));
        Assert.All(headers, h => Assert.Equal((96, 123_456u, 0x0BEBC201u), (h.PayloadType, h.Timestamp, h.Ssrc)));
        Assert.Equal([false, false, true], headers.Select(h => h.Marker));
        Assert.Equal(frame, packets.SelectMany(p => p[RtpHeader.FixedLength..]).ToArray());
        Assert.Equal((ushort)1, packetizer.NextSequence);
    }

    [Fact]
    public void Ps_packs_sent_as_rtp_and_received_in_order_demux_to_the_same_frames()
    {
        var muxer = new PsMuxer(PsStreamType.H264, PsStreamType.G711A);
        var packetizer = new RtpPacketizer(96, 1);
        var scratch = new byte[1500];
        var sent = new List<byte[]>();
        var frames = new List<byte[]>();
        for (int i = 0; i < 10; i++)
        {
            var nal = PsBuilder.Nal(i == 0 ? (byte)0x65 : (byte)0x41, 5000 + (i * 700), seed: i);
            frames.Add(nal);
            var pack = new ArrayBufferWriter<byte>();
            muxer.WriteVideo(pack, nal, i * 3600L, i * 3600L, keyFrame: i == 0);
            packetizer.Packetize(pack.WrittenSpan, (uint)(i * 3600), scratch, p => sent.Add(p.ToArray()));
        }

        var received = new List<byte[]>();
        using var demuxer = new PsDemuxer(new Collect(received));
        foreach (var packet in sent)
        {
            Assert.True(RtpHeader.TryParse(packet, out var header, out int offset, out int length));
            demuxer.Feed(packet.AsSpan(offset, length));
            if (header.Marker)
            {
                demuxer.Flush(); // the marker ends the frame: no waiting for the next one
            }
        }

        Assert.Equal(frames, received);
    }

    private sealed class Collect(List<byte[]> frames) : IPsFrameReceiver
    {
        public void OnFrame(in PsFrame frame) => frames.Add(frame.Data.ToArray());
    }
}
