using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Lkm.Sdk.MpegPs;
using Lkm.Sdk.MpegTs;

namespace Lkm.DeviceSim.Media;

/// <summary>ffmpeg could not be started: it is not installed, or not where it was said to be.</summary>
public sealed class FfmpegNotFoundException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>ffmpeg failed (exit code not 0, or its output was not what was asked for).</summary>
public sealed class FfmpegException(string message) : Exception(message);

/// <summary>
/// Media from any file, URL or lavfi graph, through ffmpeg: video and AAC as one MPEG-TS on stdout (demuxed with the
/// SDK's <see cref="TsDemuxer"/>), G.711 from a second ffmpeg as raw samples cut into 20 ms frames. Each process is
/// read as fast as its pipe gives into a bounded queue of its own (ffmpeg runs ahead of the sender by that much, and
/// blocks on the pipe when the queue is full); the queues are merged in DTS order. Each <see cref="ReadAsync"/> pass
/// starts the processes again; ending or cancelling the pass kills them.
/// </summary>
public sealed class FfmpegMediaFeed : MediaFeed
{
    private const int G711FrameBytes = 160; // 20 ms at 8 kHz

    private readonly FfmpegFeedOptions _options;
    private readonly TextWriter _log;
    private byte _videoType;
    private byte _audioType;

    /// <summary>A feed running ffmpeg as <paramref name="options"/> say; ffmpeg's own errors go to <paramref name="log"/>.</summary>
    public FfmpegMediaFeed(FfmpegFeedOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Video == VideoMode.None && options.Audio == AudioMode.None)
        {
            throw new ArgumentException("a feed needs video or audio", nameof(options));
        }

        _options = options;
        _log = log ?? TextWriter.Null;
        _videoType = options.Video switch { VideoMode.H264 => PsStreamType.H264, VideoMode.H265 => PsStreamType.H265, _ => 0 };
        _audioType = options.Audio switch { AudioMode.Aac => PsStreamType.AacAdts, AudioMode.Pcma => PsStreamType.G711A, AudioMode.Pcmu => PsStreamType.G711U, _ => 0 };
    }

    /// <inheritdoc/>
    public override MediaFormat Format => new(Volatile.Read(ref _videoType), Volatile.Read(ref _audioType));

    /// <summary>The ffmpeg argument lists this feed runs (for logs and tests).</summary>
    public IReadOnlyList<IReadOnlyList<string>> CommandLines
    {
        get
        {
            var lines = new List<IReadOnlyList<string>>();
            if (FfmpegArguments.NeedsTs(_options))
            {
                lines.Add(FfmpegArguments.Ts(_options));
            }

            if (FfmpegArguments.NeedsG711(_options))
            {
                lines.Add(FfmpegArguments.G711(_options));
            }

            return lines;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<MediaUnit> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var pass = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sources = new List<Source>();
        try
        {
            if (FfmpegArguments.NeedsTs(_options))
            {
                sources.Add(Start("ts", FfmpegArguments.Ts(_options), PumpTsAsync, pass.Token));
            }

            if (FfmpegArguments.NeedsG711(_options))
            {
                sources.Add(Start("g711", FfmpegArguments.G711(_options), PumpG711Async, pass.Token));
            }

            // Merge by DTS: wait for a unit (or the end) of every source, hand on the oldest.
            var heads = new MediaUnit?[sources.Count];
            var done = new bool[sources.Count];
            while (true)
            {
                int best = -1;
                for (int i = 0; i < sources.Count; i++)
                {
                    if (heads[i] is null && !done[i])
                    {
                        var reader = sources[i].Units.Reader;
                        if (reader.TryRead(out var unit) || (await reader.WaitToReadAsync(pass.Token).ConfigureAwait(false) && reader.TryRead(out unit)))
                        {
                            heads[i] = unit;
                        }
                        else
                        {
                            done[i] = true;
                        }
                    }

                    if (heads[i] is MediaUnit head && (best < 0 || head.Dts90 < heads[best]!.Value.Dts90))
                    {
                        best = i;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                var next = heads[best]!.Value;
                heads[best] = null;
                yield return next;
            }
        }
        finally
        {
            await pass.CancelAsync().ConfigureAwait(false);
            foreach (var source in sources)
            {
                await source.StopAsync().ConfigureAwait(false);
            }
        }
    }

    private Source Start(string name, List<string> args, Func<Source, CancellationToken, Task> pump, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(_options.FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new FfmpegNotFoundException($"ffmpeg ('{_options.FfmpegPath}') did not start");
        }
        catch (Win32Exception ex)
        {
            throw new FfmpegNotFoundException($"ffmpeg not found ('{_options.FfmpegPath}': {ex.Message}); install it (apt-get install -y ffmpeg) or pass --ffmpeg PATH", ex);
        }

        var source = new Source(name, process, Channel.CreateBounded<MediaUnit>(new BoundedChannelOptions(Math.Max(_options.ReadAheadUnits, 16))
        {
            SingleReader = true,
            SingleWriter = true,
        }));
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                source.FirstError ??= e.Data; // the first line says why; later ones are hints
                _log.WriteLine($"ffmpeg ({name}): {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        source.Pump = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await pump(source, cancellationToken).ConfigureAwait(false);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    // Let the stderr reader catch up so the message says why.
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                    error = new FfmpegException($"ffmpeg ({name}) exited with code {process.ExitCode}: {source.FirstError ?? "no message"}");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                error = ex;
            }

            source.Units.Writer.TryComplete(error);
        }, CancellationToken.None);
        return source;
    }

    private async Task PumpTsAsync(Source source, CancellationToken cancellationToken)
    {
        var reader = new TsUnitReader();
        using var demuxer = new TsDemuxer(reader);
        var stdout = source.Process.StandardOutput.BaseStream;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stdout.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            demuxer.Feed(buffer.AsSpan(0, read));
            await DrainAsync(reader, all: false, source, cancellationToken).ConfigureAwait(false);
        }

        demuxer.Flush();
        await DrainAsync(reader, all: true, source, cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync(TsUnitReader reader, bool all, Source source, CancellationToken cancellationToken)
    {
        if (reader.HasMap && reader.VideoStreamType == 0 && _options.Video == VideoMode.Copy)
        {
            throw new FfmpegException("the input's video is not H.264 or H.265, so it cannot be copied: use --video h264 or h265");
        }

        if (reader.HasMap)
        {
            if (_options.Video != VideoMode.None)
            {
                Volatile.Write(ref _videoType, reader.VideoStreamType);
            }

            if (_options.Audio is AudioMode.Aac or AudioMode.Auto)
            {
                Volatile.Write(ref _audioType, reader.AudioStreamType);
            }
        }

        while (reader.TryTake(all, out var unit))
        {
            await source.Units.Writer.WriteAsync(unit, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task PumpG711Async(Source source, CancellationToken cancellationToken)
    {
        var stdout = source.Process.StandardOutput.BaseStream;
        var frame = new byte[G711FrameBytes];
        int filled = 0;
        long samples = 0;
        int read;
        while ((read = await stdout.ReadAsync(frame.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
            if (filled == G711FrameBytes)
            {
                // 8 kHz samples to 90 kHz: x 90 / 8.
                await source.Units.Writer.WriteAsync(MediaUnit.Audio(frame, samples * 90 / 8), cancellationToken).ConfigureAwait(false);
                samples += G711FrameBytes;
                frame = new byte[G711FrameBytes];
                filled = 0;
            }
        }
    }

    private sealed class Source(string name, Process process, Channel<MediaUnit> units)
    {
        public string Name { get; } = name;

        public Process Process { get; } = process;

        public Channel<MediaUnit> Units { get; } = units;

        public Task Pump { get; set; } = Task.CompletedTask;

        public volatile string? FirstError;

        public async Task StopAsync()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                await Pump.ConfigureAwait(false);
                await Process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                Process.Dispose();
            }
        }
    }
}
