using System.Net;
using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;
using Lkm.Testing;

namespace Lkm.Interop.Tests.Gb28181;

/// <summary>
/// A GB28181 camera for a test: the device simulator (tools/Lkm.DeviceSim) run in-process, its media from real ffmpeg
/// (a generated test pattern and tone), sending until disposed.
/// </summary>
public sealed class SimulatedCamera : IAsyncDisposable
{
    private readonly FfmpegMediaFeed _feed;
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _log = new();

    private SimulatedCamera(GbDeviceOptions device, FfmpegFeedOptions feed, PlaybackOptions playback)
    {
        _feed = new FfmpegMediaFeed(feed, TextWriter.Synchronized(_log));
        Device = new GbDevice(device, _feed, playback, TextWriter.Synchronized(_log));
        Run = Device.RunAsync(_stop.Token);
    }

    public GbDevice Device { get; }

    /// <summary>The device's run: faults when it fails (e.g. its connection is refused).</summary>
    public Task Run { get; }

    public string Log => _log.ToString();

    /// <summary>Starts a camera: 320x240 25 fps test pattern (H.264 unless said) with a 1 kHz tone (AAC unless said).</summary>
    public static SimulatedCamera Start(GbDeviceOptions device, VideoMode video = VideoMode.H264, AudioMode audio = AudioMode.Aac, PlaybackOptions? playback = null, string size = "320x240")
    {
        _ = ExternalTools.Ffmpeg;
        var feed = new FfmpegFeedOptions
        {
            Input = $"lavfi:testsrc=size={size}:rate=25",
            InputAudio = audio == AudioMode.None ? null : "lavfi:sine=frequency=1000:sample_rate=8000",
            Video = video,
            Audio = audio,
            FfmpegPath = ExternalTools.Ffmpeg,
        };
        return new SimulatedCamera(device, feed, playback ?? new PlaybackOptions { Loop = true });
    }

    /// <summary>A UDP camera sending to <paramref name="port"/> on 127.0.0.1 with <paramref name="ssrc"/>.</summary>
    public static GbDeviceOptions Udp(int port, uint ssrc) => new() { Transport = GbTransport.Udp, Target = new IPEndPoint(IPAddress.Loopback, port), Ssrc = ssrc };

    /// <summary>A camera connecting to <paramref name="port"/> over TCP (the server is passive).</summary>
    public static GbDeviceOptions TcpConnect(int port, uint ssrc) => new() { Transport = GbTransport.Tcp, Target = new IPEndPoint(IPAddress.Loopback, port), Ssrc = ssrc };

    /// <summary>A camera listening on a free port for the server to dial (the server is active).</summary>
    public static GbDeviceOptions TcpListen(uint ssrc) => new() { Transport = GbTransport.TcpListen, Listen = new IPEndPoint(IPAddress.Loopback, 0), Ssrc = ssrc };

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
        }

        await Device.DisposeAsync();
        await _feed.DisposeAsync();
        _stop.Dispose();
    }
}
