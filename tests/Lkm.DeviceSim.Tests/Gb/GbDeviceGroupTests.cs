using System.Net;
using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;
using Lkm.DeviceSim.Tests.Support;

namespace Lkm.DeviceSim.Tests.Gb;

/// <summary>Several devices from one feed and one mux.</summary>
public sealed class GbDeviceGroupTests
{
    [Fact]
    public async Task Devices_sharing_one_udp_port_send_the_same_stream_under_their_own_ssrc()
    {
        using var cts = new CancellationTokenSource(DeviceRun.Timeout);
        var units = SyntheticMedia.Build(0.6);
        var capture = new RtpCapture();
        var (socket, loop) = RtpCapture.ReceiveUdp(capture, cts.Token);
        using (socket)
        {
            var target = (IPEndPoint)socket.LocalEndPoint!;
            var group = new GbDeviceGroup(
                new MemoryMediaFeed(SyntheticMedia.Format, units),
                Enumerable.Range(0, 3).Select(i => new GbDeviceOptions { Target = target, Ssrc = 1000 + (uint)i }),
                new PlaybackOptions { Speed = 0 });

            await group.RunAsync(cts.Token);
            await Task.Delay(300, cts.Token);
            await cts.CancelAsync();
            await loop;

            var bySsrc = capture.Packets.GroupBy(p => p.Header.Ssrc).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal([1000u, 1001u, 1002u], bySsrc.Keys.Order());
            var payloads = bySsrc.Values.Select(packets => RtpChecks.CheckStream(packets, packets[0].Header.Ssrc, units.Count)).ToList();
            Assert.All(payloads, p => Assert.Equal(payloads[0], p));
            Assert.All(group.Devices, d => Assert.Equal(units.Count, d.FramesSent));
        }
    }

    [Fact]
    public async Task Devices_listening_get_ports_of_their_own()
    {
        using var cts = new CancellationTokenSource(DeviceRun.Timeout);
        var group = new GbDeviceGroup(
            new MemoryMediaFeed(SyntheticMedia.Format, SyntheticMedia.Build(0.2)),
            Enumerable.Range(0, 2).Select(i => new GbDeviceOptions { Transport = GbTransport.TcpListen, Listen = new IPEndPoint(IPAddress.Loopback, 0), Ssrc = 50 + (uint)i }),
            new PlaybackOptions { Speed = 0 });
        var run = group.RunAsync(cts.Token);
        var captures = new List<(RtpCapture Capture, Task Read, System.Net.Sockets.TcpClient Client)>();
        foreach (var device in group.Devices)
        {
            var bound = await device.Listening.WaitAsync(cts.Token);
            var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(bound, cts.Token);
            var capture = new RtpCapture();
            captures.Add((capture, RtpCapture.ReadRfc4571Async(client.GetStream(), capture, cts.Token), client));
        }

        await run;
        Assert.NotEqual(group.Devices[0].ListenPort, group.Devices[1].ListenPort);
        for (int i = 0; i < captures.Count; i++)
        {
            await captures[i].Read;
            captures[i].Client.Dispose();
            Assert.All(captures[i].Capture.Packets, p => Assert.Equal(50u + (uint)i, p.Header.Ssrc));
            Assert.Equal(group.Devices[i].PacketsSent, captures[i].Capture.Packets.Count);
        }
    }
}
