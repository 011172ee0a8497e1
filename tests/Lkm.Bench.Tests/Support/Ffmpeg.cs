using System.Diagnostics;
using Lkm.Testing;

namespace Lkm.Bench.Tests.Support;

/// <summary>The one-shot encode of the bench smoke test's source file (ffmpeg lookup: <see cref="ExternalTools"/>).</summary>
public static class Ffmpeg
{
    /// <summary>ffmpeg's path; skips locally (fails with CI=true) when it is missing.</summary>
    public static string Require() => ExternalTools.Require("ffmpeg", "the bench smoke test needs it to make its source file");

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
