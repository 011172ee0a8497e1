using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lkm.Bench.Tests.Support;

/// <summary>The real server: <c>dotnet Lkm.Host.dll</c> with the shipped lkm.yaml on free 127.0.0.1 ports, its log kept.</summary>
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

    public int ProcessId => _process.Id;

    public string LogText => string.Join('\n', _log);

    public string RtmpUrl(string id) => $"rtmp://127.0.0.1:{RtmpPort}/{id}";

    public string FlvUrl(string id) => $"http://127.0.0.1:{HttpPort}/{id}.flv";

    public string WsFlvUrl(string id) => $"ws://127.0.0.1:{HttpPort}/{id}.flv";

    public static async Task<HostProcess> StartAsync()
    {
        if (!File.Exists(RepoPaths.HostDll))
        {
            throw new FileNotFoundException("the host is not built", RepoPaths.HostDll);
        }

        int http = FreePort.Next();
        int rtmp = FreePort.Next();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in new[]
        {
            RepoPaths.HostDll, "--config", RepoPaths.ShippedConfig,
            "--set", $"server.http={http}", "--set", "server.listen=127.0.0.1", "--set", $"plugins.rtmp.port={rtmp}",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var host = new HostProcess(process, http, rtmp);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException("the host exited during start-up:\n" + host.LogText));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host._ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                // SIGTERM: a graceful stop; killed if it does not stop in time.
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
