using System.Diagnostics;
using System.Net.Sockets;
using Lkm.DeviceSim.Tests.Support;
using Lkm.Testing;

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

    [Fact]
    public async Task Tcp_listen_prints_the_bound_port_on_stdout_and_sends_when_dialled()
    {
        string ffmpeg = ExternalTools.Require("ffmpeg", "the CLI's tcp-listen test runs it");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "lkm-devicesim.dll"), "gb28181", "--input", "lavfi:testsrc=size=160x120:rate=25",
            "--video", "h264", "--audio", "none", "--transport", "tcp-listen", "--listen", "127.0.0.1:0", "--duration", "1", "--speed", "0", "--ssrc", "31", "--ffmpeg", ffmpeg })
        {
            info.ArgumentList.Add(arg);
        }

        using var cts = new CancellationTokenSource(DeviceRun.Timeout);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
        Assert.NotNull(line);
        Assert.Matches("^listening [0-9]+$", line);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture), cts.Token);
        var capture = new RtpCapture();
        await RtpCapture.ReadRfc4571Async(client.GetStream(), capture, cts.Token);
        await process.WaitForExitAsync(cts.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("accepted a connection", await stderr, StringComparison.Ordinal);
        var frames = RtpChecks.Demux(RtpChecks.CheckStream(capture.Packets, 31, capture.Packets.Count(p => p.Header.Marker)));
        Assert.InRange(frames.Count, 20, 25);
    }
}
