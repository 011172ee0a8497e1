using System.Diagnostics;

namespace Lkm.Bench.Tests.Support;

/// <summary>ffmpeg lookup and a one-shot encode. Locally a missing ffmpeg skips; with CI=true it fails.</summary>
public static class Ffmpeg
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Require()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "ffmpeg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        const string reason = "ffmpeg is not installed (apt-get install -y ffmpeg); the bench smoke test needs it to make its source file";
        if (IsCi)
        {
            Assert.Fail(reason + " — CI=true, so this is a failure, not a skip");
        }

        Assert.Skip(reason);
        return "";
    }

    /// <summary>Encodes <paramref name="seconds"/> of testsrc + sine as H.264/AAC FLV (1 s GOP) into <paramref name="path"/>.</summary>
    public static async Task MakeTestFileAsync(string path, int seconds, string videoBitrate = "500k")
    {
        var psi = new ProcessStartInfo(Require()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", "25", "-b:v", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate,
            "-c:a", "aac", "-b:a", "64k", "-f", "flv", path,
        })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, "ffmpeg failed to make the test file: " + await stderr);
    }
}
