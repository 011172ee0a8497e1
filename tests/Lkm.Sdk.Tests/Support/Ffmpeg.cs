using System.Diagnostics;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Support;

/// <summary>Runs the system ffmpeg/ffprobe with stdin bytes; tests skip when they are missing (fail when CI=true, see <see cref="ExternalTools"/>).</summary>
internal static class Ffmpeg
{
    /// <summary>Runs the tool and returns its stdout bytes; fails the test on a non-zero exit.</summary>
    public static async Task<byte[]> RunAsync(string tool, IEnumerable<string> arguments, byte[]? stdin = null)
    {
        var info = new ProcessStartInfo(ExternalTools.Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
        var readErr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(timeout.Token);
        await copyOut;
        string stderr = await readErr;
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {stderr}");
        return stdout.ToArray();
    }
}
