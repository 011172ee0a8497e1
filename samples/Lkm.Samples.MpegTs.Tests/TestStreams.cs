using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lkm.Samples.MpegTs.Tests;

/// <summary>MPEG-TS made by the system ffmpeg, and free ports.</summary>
internal static class TestStreams
{
    private static readonly Lazy<Task<byte[]>> s_h264Aac = new(() => MakeAsync("libx264"));

    /// <summary>2 s of 320x240 H.264 (GOP 25) + stereo 48 kHz AAC as ffmpeg's mpegts muxer writes it.</summary>
    public static Task<byte[]> H264AacAsync() => s_h264Aac.Value;

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 right now.</summary>
    public static int FreePort()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    private static async Task<byte[]> MakeAsync(string encoder)
    {
        string? ffmpeg = new[] { "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg" }.FirstOrDefault(File.Exists);
        if (ffmpeg is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("ffmpeg is not installed (CI=true: a failure, not a skip); apt-get install -y ffmpeg");
            }

            Assert.Skip("ffmpeg is not installed; apt-get install -y ffmpeg");
        }

        var info = new ProcessStartInfo(ffmpeg!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "2", "-c:v", encoder, "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-f", "mpegts", "pipe:1",
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await copy;
        Assert.True(process.ExitCode == 0, "ffmpeg failed: " + await errors);
        return output.ToArray();
    }
}
