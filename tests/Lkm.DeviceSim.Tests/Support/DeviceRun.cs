using System.Net;
using System.Net.Sockets;
using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;

namespace Lkm.DeviceSim.Tests.Support;

/// <summary>Runs one in-process device against a capture on 127.0.0.1 over each transport.</summary>
internal static class DeviceRun
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs a device over <paramref name="transport"/> until the media ends; returns the device and what arrived.</summary>
    public static async Task<(GbDevice Device, RtpCapture Capture)> RunAsync(GbTransport transport, MediaFeed feed, GbDeviceOptions options, PlaybackOptions playback)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var capture = new RtpCapture();
        switch (transport)
        {
            case GbTransport.Udp:
            {
                using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                var (socket, loop) = RtpCapture.ReceiveUdp(capture, stopReceiving.Token);
                using (socket)
                {
                    var device = new GbDevice(options with { Transport = GbTransport.Udp, Target = (IPEndPoint)socket.LocalEndPoint! }, feed, playback);
                    await device.RunAsync(cts.Token);
                    await Task.Delay(300, cts.Token); // the last datagrams
                    await stopReceiving.CancelAsync();
                    await loop;
                    return (device, capture);
                }
            }

            case GbTransport.Tcp:
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                try
                {
                    var device = new GbDevice(options with { Transport = GbTransport.Tcp, Target = (IPEndPoint)listener.LocalEndpoint }, feed, playback);
                    var run = device.RunAsync(cts.Token);
                    using var client = await listener.AcceptTcpClientAsync(cts.Token);
                    var read = RtpCapture.ReadRfc4571Async(client.GetStream(), capture, cts.Token);
                    await run;
                    await read;
                    return (device, capture);
                }
                finally
                {
                    listener.Stop();
                }
            }

            default:
            {
                var device = new GbDevice(options with { Transport = GbTransport.TcpListen, Listen = new IPEndPoint(IPAddress.Loopback, 0) }, feed, playback);
                var run = device.RunAsync(cts.Token);
                var bound = await device.Listening.WaitAsync(cts.Token);
                Assert.NotEqual(0, bound.Port);
                Assert.Equal(bound.Port, device.ListenPort);
                using var client = new TcpClient();
                await client.ConnectAsync(bound, cts.Token);
                var read = RtpCapture.ReadRfc4571Async(client.GetStream(), capture, cts.Token);
                await run;
                await read;
                return (device, capture);
            }
        }
    }
}
