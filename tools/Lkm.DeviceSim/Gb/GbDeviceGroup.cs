using System.Diagnostics;
using System.Threading.Channels;
using Lkm.DeviceSim.Media;

namespace Lkm.DeviceSim.Gb;

/// <summary>
/// Many simulated devices from one decode: the feed is read and muxed into PS once, and each device cuts the same
/// packs into RTP with its own SSRC, sequence numbers and socket. One pacing loop sends every device's packets
/// of a frame when the frame's DTS is due.
/// </summary>
public sealed class GbDeviceGroup
{
    private const int ReadAheadPacks = 128;
    private const int MaxDevicesLogged = 16;

    private readonly MediaFeed _feed;
    private readonly PlaybackOptions _playback;
    private readonly TextWriter _log;

    /// <summary>A group sending <paramref name="feed"/> from one device per entry of <paramref name="devices"/>.</summary>
    public GbDeviceGroup(MediaFeed feed, IEnumerable<GbDeviceOptions> devices, PlaybackOptions? playback = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(devices);
        _feed = feed;
        _playback = playback ?? new PlaybackOptions();
        _log = log ?? TextWriter.Null;
        var list = devices.ToList();

        // Per-device lines (connected, listening) only for a few devices; for a load run the summary says it.
        var deviceLog = list.Count <= MaxDevicesLogged ? _log : TextWriter.Null;
        Devices = list.Select(options => new GbDevice(options, log: deviceLog)).ToArray();
        if (Devices.Count == 0)
        {
            throw new ArgumentException("a group needs at least one device", nameof(devices));
        }
    }

    /// <summary>The devices, in the order given.</summary>
    public IReadOnlyList<GbDevice> Devices { get; }

    /// <summary>Plays the feed to every device; ends at the end of the media, the duration, or cancellation.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => PlayAsync(_feed, _playback, Devices, _log, cancellationToken);

    internal static async Task PlayAsync(MediaFeed feed, PlaybackOptions playback, IReadOnlyList<GbDevice> devices, TextWriter log, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var packs = Channel.CreateBounded<PsPack>(new BoundedChannelOptions(ReadAheadPacks) { SingleReader = true, SingleWriter = true });
        Task producer = Task.CompletedTask;
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var device in devices)
            {
                device.Bind();
            }

            // Decode and mux ahead while the devices connect (or wait to be dialled).
            producer = Task.Run(() => PsPackProducer.RunAsync(feed, playback, packs.Writer, stop.Token), CancellationToken.None);
            await Task.WhenAll(devices.Select(d => d.OpenAsync(stop.Token))).ConfigureAwait(false);
            if (devices.Count > MaxDevicesLogged)
            {
                log.WriteLine($"{devices.Count} devices ready ({devices[0].Options.Transport})");
            }

            var pending = new List<Task>();
            clock.Restart();
            long frames = 0;
            await foreach (var pack in packs.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                if (playback.Speed > 0)
                {
                    var due = TimeSpan.FromSeconds(pack.Dts90 / 90_000.0 / playback.Speed);
                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(wait, stop.Token).ConfigureAwait(false);
                    }
                }

                foreach (var device in devices)
                {
                    var send = device.SendAsync(pack, stop.Token);
                    if (!send.IsCompletedSuccessfully)
                    {
                        pending.Add(send.AsTask());
                    }
                }

                if (pending.Count > 0)
                {
                    await Task.WhenAll(pending).ConfigureAwait(false);
                    pending.Clear();
                }

                if (++frames == 1)
                {
                    log.WriteLine($"first frame sent to {devices.Count} device(s)");
                }
            }

            foreach (var device in devices)
            {
                await device.FinishAsync(stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false); // completes the channel; its errors surface through the reader
            foreach (var device in devices)
            {
                await device.DisposeAsync().ConfigureAwait(false);
            }

            LogSummary(devices, clock.Elapsed, log);
        }
    }

    private static void LogSummary(IReadOnlyList<GbDevice> devices, TimeSpan elapsed, TextWriter log)
    {
        long packets = devices.Sum(d => d.PacketsSent);
        long bytes = devices.Sum(d => d.BytesSent);
        long dropped = devices.Sum(d => d.PacketsDropped);
        long frames = devices.Sum(d => d.FramesSent);
        long errors = devices.Sum(d => d.SendErrors);
        double seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        log.WriteLine($"sent {frames} frames, {packets} RTP packets, {bytes} bytes from {devices.Count} device(s) in {seconds:0.0} s: "
            + $"{packets / seconds:0} packets/s, {bytes * 8 / seconds / 1000:0} kbit/s; dropped on purpose {dropped}, send errors {errors}");
    }
}
