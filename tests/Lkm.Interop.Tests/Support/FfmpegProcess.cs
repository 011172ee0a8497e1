using System.Diagnostics;
using System.Text;
using Lkm.Testing;

namespace Lkm.Interop.Tests.Support;

/// <summary>A running ffmpeg (publisher or player) whose stderr is kept for assertions.</summary>
public sealed class FfmpegProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private int _disposed;

    private FfmpegProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Publishes a generated test stream (640x360 testsrc + a sine tone) in real time over RTMP.</summary>
    public static FfmpegProcess PublishTestStream(string url, AudioKind audio = AudioKind.Aac, int seconds = 120, string videoBitrate = "600k", int gop = 25, string size = "640x360")
    {
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", $"testsrc=size={size}:rate=25",
        };
        if (audio != AudioKind.None)
        {
            args.AddRange(["-f", "lavfi", "-i", audio == AudioKind.Aac ? "sine=frequency=1000:sample_rate=44100" : "sine=frequency=1000:sample_rate=8000"]);
        }

        args.AddRange(["-t", seconds.ToString(), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", gop.ToString(), "-b:v", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate]);
        args.AddRange(audio switch
        {
            AudioKind.Aac => ["-c:a", "aac", "-b:a", "64k"],
            AudioKind.G711A => ["-c:a", "pcm_alaw", "-ar", "8000", "-ac", "1"],
            _ => [],
        });
        args.AddRange(["-f", "flv", url]);
        return Start(ExternalTools.Ffmpeg, args);
    }

    public static FfmpegProcess Start(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = psi };
        var ff = new FfmpegProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (ff._stderr)
                {
                    ff._stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return ff;
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it still runs; a second call does nothing (a test may end a publisher early).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }
}

public enum AudioKind
{
    None,
    Aac,
    G711A,
}
