using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.Rtp;

namespace Lkm.Interop.Tests.Gb28181;

/// <summary>
/// Hostile and broken input on a GB28181 port of the real host: nothing crashes, memory stays bounded, and the same
/// device's good packets afterwards make a stream that plays.
/// </summary>
public sealed class Gb28181BadInputTests(GbMultiPortHost fixture) : IClassFixture<GbMultiPortHost>
{
    private const uint Ssrc = 500000001;

    private GbServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Garbage_wrong_versions_lying_lengths_absurd_maps_and_an_endless_frame_leave_the_source_recovering()
    {
        const string id = "bad/camera";
        int port = await Server.CreateAsync(id, "udp", Ssrc);
        var target = new IPEndPoint(IPAddress.Loopback, port);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        long rssBefore = Server.Host.RssBytes;
        var random = new Random(12);

        // 1. Random datagrams, and RTP of versions 0, 1 and 3.
        for (int i = 0; i < 300; i++)
        {
            var junk = new byte[random.Next(1, 1500)];
            random.NextBytes(junk);
            if (i % 3 == 0 && junk.Length >= 12)
            {
                junk[0] = (byte)((i % 4 == 2 ? 3 : i % 2) << 6);
            }

            await socket.SendToAsync(junk, target, Ct);
        }

        // 2. Real-looking RTP of the device's SSRC carrying broken PS.
        var packetizer = new RtpPacketizer(96, Ssrc, firstSequence: 100);
        var scratch = new byte[1500];
        var sent = new List<byte[]>();
        void Send(byte[] ps, uint timestamp) => packetizer.Packetize(ps, timestamp, scratch, p => sent.Add(p.ToArray()));

        byte[] keyPack = KeyFramePack();
        Send(LyingPesLength(keyPack), 3000);                 // a PES length pointing far past its data
        Send(AbsurdMap(keyPack), 6000);                      // a program stream map with impossible lengths
        Send([.. keyPack.AsSpan(0, keyPack.Length / 2)], 9000); // a pack cut in half
        Send(EndlessFrame(1024 * 1024), 12000);              // a 1 MB "frame" that never ends
        foreach (var packet in sent)
        {
            await socket.SendToAsync(packet, target, Ct);
            if (sent.IndexOf(packet) % 50 == 0)
            {
                await Task.Delay(5, Ct); // loopback drops what the receive buffer cannot hold
            }
        }

        // No crash, memory bounded (the endless frame is held up to its bound, not without one).
        await Task.Delay(500, Ct);
        Assert.False(Server.Host.HasExited, "the host died:\n" + Server.Host.LogText);
        Assert.True(Server.Host.RssBytes - rssBefore < 200L * 1024 * 1024, $"RSS grew by {(Server.Host.RssBytes - rssBefore) / 1024 / 1024} MB");
        Assert.Contains(Server.Host.Log, l => l.Contains($"GB28181 stream {id}: a datagram that is not RTP", StringComparison.Ordinal));

        // 3. The device then sends good media (same SSRC): the source recovers at the next pack and plays.
        await using var camera = SimulatedCamera.Start(SimulatedCamera.Udp(port, Ssrc) with { FirstSequence = packetizer.NextSequence });
        await Server.WaitLiveAsync(id);
        await Server.AssertPlaysAsync(id, "h264", 320, 240, "aac", 8000);
        var row = (await Server.GbRowAsync(id))!.Value;
        Assert.True(row.GetProperty("dropped_packets").GetInt64() >= 100, row.ToString());
        Assert.True(row.GetProperty("ps_errors").GetInt64() + row.GetProperty("ps_resyncs").GetInt64() + row.GetProperty("dropped_frames").GetInt64() > 0, row.ToString());
        await Server.Api.DataAsync("/api/v1/source/close", new { source = id });
    }

    // A key-frame pack as GB devices write it: pack header, system header, map, SPS, PPS and IDR PES.
    private static byte[] KeyFramePack()
    {
        var muxer = new PsMuxer(PsStreamType.H264, 0);
        var output = new ArrayBufferWriter<byte>();
        byte[] idr = new byte[4000];
        new Random(5).NextBytes(idr);
        byte[] annexB =
        [
            0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1E, 0xDA, 0x02, 0x80, 0xBF, 0xE5, 0x84, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xCA, 0x3C, 0x58, 0xB9, 0x20,
            0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80,
            0, 0, 0, 1, 0x65, .. idr,
        ];
        muxer.WriteVideo(output, annexB, 3600, 3600, keyFrame: true);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] LyingPesLength(byte[] pack)
    {
        var copy = (byte[])pack.Clone();
        int pes = LastIndexOf(copy, 0xE0);
        copy[pes + 4] = 0xFF;
        copy[pes + 5] = 0xF0;
        return copy;
    }

    private static byte[] AbsurdMap(byte[] pack)
    {
        var copy = (byte[])pack.Clone();
        int map = LastIndexOf(copy, 0xBC);
        copy[map + 4] = 0xFF; // program_stream_map_length
        copy[map + 5] = 0xFF;
        copy[map + 8] = 0xFF; // program_stream_info_length
        copy[map + 9] = 0xFF;
        return copy;
    }

    // A pack header, then a video PES of unbounded length (0) followed by a megabyte with no start code in it.
    private static byte[] EndlessFrame(int length)
    {
        var pack = KeyFramePack();
        int pes = LastIndexOf(pack, 0xE0);
        var data = new byte[pes + 9 + length];
        pack.AsSpan(0, pes + 9).CopyTo(data);
        data[pes + 4] = 0;
        data[pes + 5] = 0;
        data.AsSpan(pes + 9).Fill(0x11);
        return data;
    }

    private static int LastIndexOf(byte[] data, byte streamId)
    {
        for (int i = data.Length - 4; i >= 0; i--)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && data[i + 3] == streamId)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no 0x{streamId:X2} unit in the pack");
    }
}
