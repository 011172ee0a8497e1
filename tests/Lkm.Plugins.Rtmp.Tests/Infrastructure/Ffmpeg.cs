using System.Diagnostics;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Finds and runs the real ffmpeg/ffprobe. Missing tools skip the test, except on CI (CI=true) where they fail it.</summary>
internal static class Ffmpeg
{
    public static string Require(string tool)
    {
        var path = Find(tool);
        if (path is not null)
        {
            return path;
        }

        string reason = $"{tool} is not installed (looked in /usr/bin and PATH)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason + "; CI=true requires it");
        }

        Assert.Skip(reason);
        return string.Empty;
    }

    public static async Task<ProcessResult> RunAsync(string path, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(path)} did not finish within {timeout}: {await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string? Find(string tool)
    {
        var candidates = new List<string> { Path.Combine("/usr/bin", tool) };
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            candidates.Add(Path.Combine(dir, tool));
        }

        return candidates.FirstOrDefault(File.Exists);
    }
}
