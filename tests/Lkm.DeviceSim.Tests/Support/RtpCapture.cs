using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;

namespace Lkm.DeviceSim.Tests.Support;

/// <summary>One received RTP packet: its header and a copy of its payload.</summary>
internal sealed record CapturedPacket(RtpHeader Header, byte[] Payload);

/// <summary>A frame the SDK's PsDemuxer found, copied.</summary>
internal sealed record DemuxedFrame(byte StreamId, byte StreamType, long? Pts, long? Dts, byte[] Data)
{
    public bool IsVideo => StreamId is >= 0xE0 and <= 0xEF;
}

/// <summary>RTP packets received on 127.0.0.1 (UDP socket, or RFC 4571 frames off a TCP stream), in arrival order.</summary>
internal sealed class RtpCapture
{
    private readonly List<CapturedPacket> _packets = [];

    public IReadOnlyList<CapturedPacket> Packets
    {
        get
        {
            lock (_packets)
            {
                return [.. _packets];
            }
        }
    }

    public void Add(ReadOnlySpan<byte> packet)
    {
        Assert.True(RtpHeader.TryParse(packet, out var header, out int offset, out int length), "a packet that is not RTP");
        lock (_packets)
        {
            _packets.Add(new CapturedPacket(header, packet.Slice(offset, length).ToArray()));
        }
    }

    /// <summary>A UDP socket on 127.0.0.1 with a large receive buffer; receives until <paramref name="cancellationToken"/>.</summary>
    public static (Socket Socket, Task Loop) ReceiveUdp(RtpCapture capture, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 * 1024 * 1024 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var loop = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    capture.Add(buffer.AsSpan(0, n));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return (socket, loop);
    }

    /// <summary>Reads RFC 4571 frames from <paramref name="stream"/> until it ends.</summary>
    public static async Task ReadRfc4571Async(Stream stream, RtpCapture capture, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        var packet = new byte[65535];
        while (true)
        {
            try
            {
                await stream.ReadExactlyAsync(prefix, cancellationToken);
            }
            catch (EndOfStreamException)
            {
                return;
            }

            int length = (prefix[0] << 8) | prefix[1];
            await stream.ReadExactlyAsync(packet.AsMemory(0, length), cancellationToken);
            capture.Add(packet.AsSpan(0, length));
        }
    }
}

/// <summary>Checks on captured RTP and the program stream in it.</summary>
internal static class RtpChecks
{
    /// <summary>
    /// RTP v2 with <paramref name="payloadType"/> and <paramref name="ssrc"/>, consecutive sequence numbers, and the
    /// packets cut at the markers into <paramref name="frames"/> frames, each one pack (starting 00 00 01 BA) with
    /// one time stamp. Returns the payloads joined.
    /// </summary>
    public static byte[] CheckStream(IReadOnlyList<CapturedPacket> packets, uint ssrc, int frames, byte payloadType = 96)
    {
        Assert.NotEmpty(packets);
        var joined = new List<byte>();
        int groups = 0;
        int groupStart = 0;
        for (int i = 0; i < packets.Count; i++)
        {
            var h = packets[i].Header;
            Assert.Equal(2, RtpHeader.Version);
            Assert.Equal(payloadType, h.PayloadType);
            Assert.Equal(ssrc, h.Ssrc);
            if (i > 0)
            {
                Assert.Equal((ushort)(packets[i - 1].Header.SequenceNumber + 1), h.SequenceNumber);
            }

            if (i == groupStart)
            {
                Assert.True(packets[i].Payload.AsSpan().StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0xBA]), $"packet {i} starts a frame but not with a pack header");
            }
            else
            {
                Assert.Equal(packets[groupStart].Header.Timestamp, h.Timestamp);
            }

            joined.AddRange(packets[i].Payload);
            if (h.Marker)
            {
                groups++;
                groupStart = i + 1;
            }
        }

        Assert.Equal(packets.Count, groupStart); // the last packet carries a marker
        Assert.Equal(frames, groups);
        return [.. joined];
    }

    /// <summary>The frames the SDK's PsDemuxer reads from <paramref name="ps"/>.</summary>
    public static List<DemuxedFrame> Demux(ReadOnlySpan<byte> ps)
    {
        var receiver = new Collector();
        using var demuxer = new PsDemuxer(receiver);
        demuxer.Feed(ps);
        demuxer.Flush();
        Assert.Equal(0, demuxer.Errors);
        return receiver.Frames;
    }

    private sealed class Collector : IPsFrameReceiver
    {
        public List<DemuxedFrame> Frames { get; } = [];

        public void OnFrame(in PsFrame frame) => Frames.Add(new DemuxedFrame(frame.StreamId, frame.StreamType, frame.Pts, frame.Dts, frame.Data.ToArray()));
    }
}
