using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lkm.Testing;

/// <summary>
/// The real server: <c>dotnet Lkm.Host.dll</c> with the shipped lkm.yaml, on free ports, its log captured.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process, int httpPort, int rtmpPort)
    {
        _process = process;
        HttpPort = httpPort;
        RtmpPort = rtmpPort;
    }

    public int HttpPort { get; }

    public int RtmpPort { get; }

    public string RtmpUrl(string id) => $"rtmp://127.0.0.1:{RtmpPort}/{id}";

    public string FlvUrl(string id) => $"http://127.0.0.1:{HttpPort}/{id}.flv";

    public string WsFlvUrl(string id) => $"ws://127.0.0.1:{HttpPort}/{id}.flv";

    public IEnumerable<string> Log => _log;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the host; <paramref name="settings"/> are extra <c>--set key=value</c> overrides.</summary>
    public static Task<HostProcess> StartAsync(params string[] settings) => StartWithConfigAsync(RepoPaths.ShippedConfig, settings);

    /// <summary>Starts the host with its own config file (e.g. written by the test beside its scripts).</summary>
    public static async Task<HostProcess> StartWithConfigAsync(string configPath, params string[] settings)
    {
        if (!File.Exists(RepoPaths.HostDll))
        {
            throw new FileNotFoundException("the host is not built", RepoPaths.HostDll);
        }

        int http = FreePort.Next();
        int rtmp = FreePort.Next();
        var psi = HostStartInfo(configPath);
        foreach (var setting in new[] { $"server.http={http}", $"server.listen=127.0.0.1", $"plugins.rtmp.port={rtmp}" }.Concat(settings))
        {
            psi.ArgumentList.Add("--set");
            psi.ArgumentList.Add(setting);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var host = new HostProcess(process, http, rtmp);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException("the host exited during start-up:\n" + string.Join('\n', host._log)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Below info level the "ready" line is not logged: then the HTTP API answering says the host is up.
            bool quiet = settings.Any(s => s is "log.level=warn" or "log.level=error");
            await (quiet ? WaitForHttpAsync(http, host._ready.Task) : host._ready.Task).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    private static async Task WaitForHttpAsync(int port, Task exited)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (!exited.IsCompleted)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/api/v1/server/info");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        await exited;
    }

    /// <summary>`dotnet Lkm.Host.dll --config <paramref name="configPath"/>` with its output captured, run from the temp folder.</summary>
    private static ProcessStartInfo HostStartInfo(string configPath)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(RepoPaths.HostDll);
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(configPath);
        return psi;
    }

    /// <summary>
    /// Runs the host with the shipped config on free ports plus <paramref name="settings"/> (later ones win, e.g. a port
    /// another host holds), expecting it to refuse to start; returns its exit code and output.
    /// </summary>
    public static Task<(int ExitCode, string Output)> StartExpectingExitAsync(TimeSpan timeout, params string[] settings) =>
        RunExpectingExitAsync(RepoPaths.ShippedConfig, timeout,
            [$"server.http={FreePort.Next()}", "server.listen=127.0.0.1", $"plugins.rtmp.port={FreePort.Next()}", .. settings]);

    /// <summary>Runs the host with a config (and <c>--set</c> <paramref name="settings"/>) that should make it refuse to start; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunExpectingExitAsync(string configPath, TimeSpan timeout, params string[] settings)
    {
        var psi = HostStartInfo(configPath);
        foreach (var setting in settings)
        {
            psi.ArgumentList.Add("--set");
            psi.ArgumentList.Add(setting);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the host kept running with a bad config: " + await stdout);
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        if (line.Contains("LKM.NET ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Waits until a log line matching <paramref name="predicate"/> appears.</summary>
    public async Task<string> WaitForLogAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var hit = _log.FirstOrDefault(predicate);
            if (hit is not null)
            {
                return hit;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("no matching log line within " + timeout + ". Log:\n" + string.Join('\n', _log.TakeLast(60)));
    }

    public string LogText => string.Join('\n', _log);

    public long RssBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                // SIGTERM: a graceful stop, like systemd does.
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
