using System.Diagnostics;

namespace Lkm.DeviceSim.Tests.Cli;

/// <summary>The executable's exit codes and help (run as a process: <c>dotnet lkm-devicesim.dll</c>).</summary>
public sealed class ProgramTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lkm-devicesim.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Help_lists_every_option_and_exits_0()
    {
        var (code, stdout, _) = await RunAsync("gb28181", "--help");

        Assert.Equal(0, code);
        foreach (string option in new[] { "--input", "--input-audio", "--video", "--audio", "--loop", "--duration", "--speed", "--ffmpeg", "--transport", "--target", "--targets",
            "--port-step", "--listen", "--local-port", "--ssrc", "--payload-type", "--mtu", "--drop", "--reorder", "--seed", "--audio-delay", "--audio-first", "--devices" })
        {
            Assert.Contains(option + " ", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_arguments_exit_2_and_say_which()
    {
        var (code, _, stderr) = await RunAsync("gb28181", "--input", "lavfi:testsrc", "--target", "127.0.0.1:1", "--drop", "200");

        Assert.Equal(2, code);
        Assert.Contains("'--drop'", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await RunAsync("jt9999");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'jt9999'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ffmpeg_exits_1_and_says_so()
    {
        var (code, _, stderr) = await RunAsync("gb28181", "--input", "lavfi:testsrc", "--target", "127.0.0.1:1", "--ffmpeg", "/no/such/ffmpeg");

        Assert.Equal(1, code);
        Assert.Contains("ffmpeg not found", stderr, StringComparison.Ordinal);
    }
}
