using System.Net;
using System.Net.Sockets;
using Lkm.Interop.Tests.Support;
using Lkm.Sdk.Rtp;

namespace Lkm.Interop.Tests.Gb28181;

/// <summary>
/// Single-port mode on the real host: every device sends to one port and the SSRC says whose stream a packet is.
/// </summary>
public sealed class Gb28181SinglePortTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_devices_on_the_shared_port_become_three_streams_and_an_unknown_ssrc_is_dropped()
    {
        await using var server = await GbServer.StartAsync(singlePort: true);
        uint[] ssrcs = [200000001, 200000002, 200000003];
        foreach (uint ssrc in ssrcs)
        {
            Assert.Equal(server.FirstPort, await server.CreateAsync($"shared/{ssrc}", "udp", ssrc));
        }

        // A second source with a taken SSRC would mix two devices: refused as LKM refuses it.
        Assert.Equal("ssrc conflict", await server.FailAsync("/api/v1/gb28181/source/create", new { source = "shared/dup", setup = "udp", ssrc = ssrcs[0] }));
        Assert.Contains("单端口模式下不能主动拉流", await server.FailAsync("/api/v1/gb28181/source/create", new { source = "shared/active", setup = "active", ssrc = 9 }), StringComparison.Ordinal);

        var cameras = ssrcs.Select((ssrc, i) => SimulatedCamera.Start(SimulatedCamera.Udp(server.FirstPort, ssrc), size: $"{320 + (i * 16)}x240")).ToList();
        try
        {
            // A stranger: RTP of an SSRC nobody created, and datagrams that are not RTP at all.
            using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Loopback, server.FirstPort);
            var packet = new byte[200];
            new RtpHeader(96, 1, 0, 777).Write(packet);
            var random = new Random(3);
            for (int i = 0; i < 200; i++)
            {
                stranger.SendTo(packet, target);
                var junk = new byte[random.Next(1, 1400)];
                random.NextBytes(junk);
                stranger.SendTo(junk, target);
            }

            for (int i = 0; i < ssrcs.Length; i++)
            {
                string id = $"shared/{ssrcs[i]}";
                await server.WaitLiveAsync(id);
                Ffprobe.AssertStreams(await Ffprobe.ProbeAsync(server.Host.FlvUrl(id)), "h264", 320 + (i * 16), 240, "aac", 8000);
            }

            var list = await server.GbListAsync();
            Assert.Equal("single-port", list.GetProperty("mode").GetString());
            Assert.True(list.GetProperty("unknown_ssrc_datagrams").GetInt64() >= 200, list.ToString());
            Assert.Contains(server.Host.Log, l => l.Contains("SSRC 777 matches no source", StringComparison.Ordinal));
            foreach (var row in list.GetProperty("sources").EnumerateArray())
            {
                Assert.Equal(0, row.GetProperty("dropped_packets").GetInt64());
            }
        }
        finally
        {
            foreach (var camera in cameras)
            {
                await camera.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_tcp_device_on_the_shared_port_is_routed_by_its_first_packets_ssrc()
    {
        await using var server = await GbServer.StartAsync(singlePort: true);
        Assert.Equal(server.FirstPort, await server.CreateAsync("shared/tcp", "passive", 300000001));
        await using var camera = SimulatedCamera.Start(SimulatedCamera.TcpConnect(server.FirstPort, 300000001));

        // A connection whose SSRC no source has is closed.
        await using var stranger = SimulatedCamera.Start(SimulatedCamera.TcpConnect(server.FirstPort, 300000999));
        await server.WaitLiveAsync("shared/tcp");
        await server.AssertPlaysAsync("shared/tcp", "h264", 320, 240, "aac", 8000);
        await server.Host.WaitForLogAsync(l => l.Contains("SSRC 300000999: no source was created for it", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<Exception>(async () => await stranger.Run.WaitAsync(TimeSpan.FromSeconds(15), Ct));
    }
}
