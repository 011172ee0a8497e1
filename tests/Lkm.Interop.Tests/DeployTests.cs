using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// The deployable build: the folder <c>dotnet publish -c Release host/Lkm.Host -o out</c> makes, copied elsewhere
/// and started the way deploy/lkm.service starts it, serves RTMP and HTTP-FLV with the shipped config and
/// stops on SIGTERM with exit code 0; the unit's paths match that folder.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployTests
{
    /// <summary>The install folder the unit names; the tests put the published folder somewhere else and rewrite it.</summary>
    private const string UnitInstallDir = "/opt/lkm";

    [Fact]
    public async Task Published_folder_copied_elsewhere_runs_as_the_systemd_unit_starts_it_serves_rtmp_and_http_flv_and_stops_on_sigterm()
    {
        _ = ExternalTools.Ffmpeg;
        _ = ExternalTools.Ffprobe;
        string bash = ExternalTools.Require("bash", "the systemd stand-in that starts the host");
        string published = await PublishedHost.FolderAsync();
        var ct = TestContext.Current.CancellationToken;

        using var temp = new TempDir();
        string install = Path.Combine(temp.Path, "opt-lkm");
        PublishedHost.Copy(published, install);
        string elsewhere = Directory.CreateDirectory(Path.Combine(temp.Path, "cwd")).FullName;

        var unit = SystemdUnit.Read(RepoPaths.File("deploy", "lkm.service"));
        string[] command = unit.ExecStart.Select(arg => arg.Replace(UnitInstallDir, install, StringComparison.Ordinal)).ToArray();
        Assert.Equal(Path.Combine(install, "Lkm.Host"), command[0]);

        int http = FreePort.Next();
        int rtmp = FreePort.Next();

        // systemd's side of sd_notify: a datagram socket named by NOTIFY_SOCKET. The host only talks to it when
        // its parent process is called "systemd", so the stand-in parent (bash) takes that name.
        string notifyPath = Path.Combine(temp.Path, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

        var psi = new ProcessStartInfo(bash)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = elsewhere,
        };
        psi.Environment["NOTIFY_SOCKET"] = notifyPath;
        foreach (string arg in new[] { "-c", "printf systemd > /proc/$$/comm; \"$@\" & echo $!; wait $!", "systemd" }
            .Concat(command)
            .Concat(["--set", $"server.http={http}", "--set", "server.listen=127.0.0.1", "--set", $"plugins.rtmp.port={rtmp}"]))
        {
            psi.ArgumentList.Add(arg);
        }

        var log = new ConcurrentQueue<string>();
        var hostPid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var parent = new Process { StartInfo = psi };
        parent.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (!hostPid.Task.IsCompleted && int.TryParse(e.Data, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                hostPid.TrySetResult(pid);
                return;
            }

            log.Enqueue(e.Data);
        };
        parent.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Enqueue(e.Data);
            }
        };
        parent.Start();
        parent.StandardInput.Close();
        parent.BeginOutputReadLine();
        parent.BeginErrorReadLine();
        int pid = await hostPid.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        string Log() => string.Join('\n', log);
        try
        {
            var clock = Stopwatch.StartNew();
            string ready = await ReceiveAsync(notify, TimeSpan.FromSeconds(30), Log);
            Assert.Contains("READY=1", ready, StringComparison.Ordinal);
            TestContext.Current.SendDiagnosticMessage($"dotnet publish took {PublishedHost.Elapsed.TotalSeconds:F0} s; the published host was ready in {clock.ElapsedMilliseconds} ms");

            // The config beside the binary, found with no --config from a working directory that has none.
            Assert.Contains(log, line => line.Contains("LKM.NET ready", StringComparison.Ordinal)
                && line.Contains(Path.Combine(install, "lkm.yaml"), StringComparison.Ordinal));

            using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                string console = await client.GetStringAsync($"http://127.0.0.1:{http}/", ct);
                Assert.Contains("flv-player.js", console, StringComparison.Ordinal);
                string plugins = await client.GetStringAsync($"http://127.0.0.1:{http}/api/v1/plugins", ct);
                Assert.Contains(Path.Combine(install, "plugins", "Lkm.Plugins.Rtmp", "Lkm.Plugins.Rtmp.dll"), plugins, StringComparison.Ordinal);
                Assert.Contains(Path.Combine(install, "plugins", "Lkm.Plugins.Flv", "Lkm.Plugins.Flv.dll"), plugins, StringComparison.Ordinal);
            }

            await using (var publisher = FfmpegProcess.PublishTestStream($"rtmp://127.0.0.1:{rtmp}/live/deploy"))
            {
                var streams = await Ffprobe.ProbeAsync($"http://127.0.0.1:{http}/live/deploy.flv");
                Ffprobe.AssertStreams(streams, "h264", 640, 360, "aac", 44100);
                Assert.False(publisher.HasExited, "the publisher stopped early: " + publisher.Stderr);

                // The shipped hook script (relative to lkm.yaml) decided that publish.
                Assert.Contains(log, line => line.Contains(Path.Combine(install, "scripts", "hooks.js"), StringComparison.Ordinal));

                // Stopped the way systemd stops it (KillSignal=SIGTERM), with the publisher still connected.
                Assert.Equal("SIGTERM", unit.Service.GetValueOrDefault("KillSignal", "SIGTERM"));
                using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(ct);
                string stopping = await ReceiveAsync(notify, TimeSpan.FromSeconds(10), Log);
                Assert.Contains("STOPPING=1", stopping, StringComparison.Ordinal);
                await parent.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
            }

            Assert.True(parent.ExitCode == 0, $"the host exited with {parent.ExitCode} on SIGTERM:\n{Log()}");
            Assert.Contains(log, line => line.Contains("LKM.NET stopping", StringComparison.Ordinal));
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Systemd_unit_runs_the_published_binary_from_its_folder_with_notify_sigterm_and_the_bind_capability()
    {
        var unit = SystemdUnit.Read(RepoPaths.File("deploy", "lkm.service"));
        var service = unit.Service;
        Assert.Equal("notify", service["Type"]);
        Assert.Equal("on-failure", service["Restart"]);
        Assert.Equal("SIGTERM", service["KillSignal"]);
        Assert.True(long.Parse(service["LimitNOFILE"], CultureInfo.InvariantCulture) >= 65536, "LimitNOFILE below 65536");
        Assert.Contains("CAP_NET_BIND_SERVICE", service["AmbientCapabilities"], StringComparison.Ordinal);
        Assert.NotEqual("root", service["User"]);

        // ExecStart runs <WorkingDirectory>/Lkm.Host: the executable at the top of the published folder.
        string workDir = service["WorkingDirectory"];
        Assert.Equal(UnitInstallDir, workDir);
        Assert.Equal(workDir + "/Lkm.Host", unit.ExecStart[0]);
        string published = await PublishedHost.FolderAsync();
        string binary = Path.Combine(published, Path.GetRelativePath(workDir, unit.ExecStart[0]));
        Assert.True(File.Exists(binary), $"{unit.ExecStart[0]} has no counterpart {binary} in the published folder");
        Assert.True(File.GetUnixFileMode(binary).HasFlag(UnixFileMode.UserExecute), $"{binary} is not executable");
        foreach (string arg in unit.ExecStart.Skip(1).Where(a => a.StartsWith(workDir + "/", StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(Path.Combine(published, Path.GetRelativePath(workDir, arg))), $"ExecStart names {arg}, which the published folder does not have");
        }

        // The rest of the layout README "Deploy" promises.
        foreach (string file in new[] { "lkm.yaml", "scripts/hooks.js", "scripts/examples/token.js", "scripts/examples/webhook.js", "wwwroot/index.html", "wwwroot/js/flv-player.js" })
        {
            Assert.True(File.Exists(Path.Combine(published, file)), $"the published folder has no {file}");
        }

        foreach (string project in Directory.EnumerateFiles(RepoPaths.File("plugins"), "*.csproj", SearchOption.AllDirectories))
        {
            string name = Path.GetFileNameWithoutExtension(project);
            Assert.True(File.Exists(Path.Combine(published, "plugins", name, name + ".dll")), $"the published folder has no plugins/{name}/{name}.dll");
            Assert.True(File.Exists(Path.Combine(published, "plugins", name, name + ".deps.json")), $"the published folder has no plugins/{name}/{name}.deps.json");
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(published, "plugins"), "Lkm.Sdk.dll", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(published, "Lkm.Sdk.dll")), "the published folder has no Lkm.Sdk.dll beside the host");
    }

    [Fact]
    public async Task Systemd_unit_passes_systemd_analyze_verify_against_the_published_folder()
    {
        // A lint of the unit (syntax, known keys, an executable ExecStart); its behaviour is tested above.
        // Not every machine has systemd installed, so a missing systemd-analyze is a skip, even on CI.
        string? analyze = ExternalTools.Find("systemd-analyze");
        Assert.SkipWhen(analyze is null, "systemd-analyze is not installed (apt-get install -y systemd): the unit was not linted");
        string published = await PublishedHost.FolderAsync();
        using var temp = new TempDir();
        string unit = temp.Write("lkm.service", (await File.ReadAllTextAsync(RepoPaths.File("deploy", "lkm.service"), TestContext.Current.CancellationToken))
            .Replace(UnitInstallDir, published.TrimEnd('/'), StringComparison.Ordinal));
        var (code, stdout, stderr) = await ToolProcess.RunAsync(analyze!, ["verify", unit], TimeSpan.FromSeconds(60));
        Assert.True(code == 0 && string.IsNullOrWhiteSpace(stderr), $"systemd-analyze verify exited with {code}: {stdout}{stderr}");
    }

    [Fact]
    public void Dockerfile_publishes_with_the_readme_command_and_runs_non_root_with_the_ports_exposed()
    {
        // The image cannot be built on every machine (.ci/run builds and runs it where a container engine
        // answers); this keeps its text in step with the publish command and the ports.
        string[] lines = File.ReadAllLines(RepoPaths.File("Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToArray();
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish -c Release host/Lkm.Host -o ", StringComparison.Ordinal));
        Assert.Contains("dotnet publish -c Release host/Lkm.Host -o out", File.ReadAllText(RepoPaths.File("README.md")), StringComparison.Ordinal);
        var from = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToArray();
        Assert.True(from.Length >= 2, "the Dockerfile is not multi-stage");
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", from[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", from[^1], StringComparison.Ordinal);
        string expose = Assert.Single(lines, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        Assert.Equal(["1935", "50000-60000/tcp", "50000-60000/udp", "554", "8080"], expose.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Order(StringComparer.Ordinal));
        string user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("setcap cap_net_bind_service=+ep /app/Lkm.Host", StringComparison.Ordinal));
        Assert.Equal("ENTRYPOINT [\"/app/Lkm.Host\"]", lines[^1]);
        string ignore = File.ReadAllText(RepoPaths.File(".dockerignore"));
        Assert.Contains("**/bin/", ignore, StringComparison.Ordinal);
        Assert.Contains("**/obj/", ignore, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout, Func<string> log)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no sd_notify message within {timeout}; host log:\n{log()}");
        }
    }
}

/// <summary>The parts of a systemd unit file the tests read: the [Service] keys and ExecStart split into words.</summary>
public sealed record SystemdUnit(IReadOnlyDictionary<string, string> Service, IReadOnlyList<string> ExecStart)
{
    public static SystemdUnit Read(string path)
    {
        var service = new Dictionary<string, string>(StringComparer.Ordinal);
        string section = "";
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (section == "Service" && eq > 0)
            {
                service[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        Assert.True(service.ContainsKey("ExecStart"), $"{path} has no ExecStart");
        return new SystemdUnit(service, service["ExecStart"].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
