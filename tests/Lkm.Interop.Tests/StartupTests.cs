using System.Net;
using System.Net.Sockets;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// The real host refuses a bad lkm.yaml with the file, line and column of the problem — plugin sections included —
/// listing every error at once (host sections, plugin sections, <c>--set</c>), exit code 2, and binds nothing.
/// </summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("server:\n  http: 0\nplugins:\n  rtmp:\n    port: 0\n    prot: 1935\n", 6, 5, "unknown key 'plugins.rtmp.prot'")]
    [InlineData("server:\n  http: 0\nplugins:\n  rtmp:\n    port: 0\n    chunk_size: 5\n", 6, 17, "plugins.rtmp.chunk_size")]
    [InlineData("server:\n  http: 0\nplugins:\n  flv:\n    cors: sometimes\n", 5, 11, "plugins.flv.cors")]
    [InlineData("server:\n  http: 0\ndefaults:\n  merge_write: fast\n", 4, 16, "defaults.merge_write")]
    public async Task Bad_config_stops_the_host_with_file_line_and_column(string yaml, int line, int column, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"lkm-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml, TestContext.Current.CancellationToken);
        try
        {
            var (code, output) = await HostProcess.RunExpectingExitAsync(path, TimeSpan.FromSeconds(30));
            Assert.Equal(2, code);
            Assert.Contains($"{path}:{line}:{column}:", output, StringComparison.Ordinal);
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Errors_of_a_host_section_a_plugin_section_and_a_set_come_together_each_from_its_source_and_nothing_binds()
    {
        int api = FreePort.Next();
        string yaml = $"""
            server:
              listen: 127.0.0.1
            api:
              listen: 127.0.0.1:{api}
            defaults:
              merge_write: fast
            plugins:
              rtmp:
                port: 70000
            """;

        var (code, output) = await RunWatchingPortsAsync(yaml, [api], "server.http=abc");

        Assert.Equal(2, code);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                $"{_path}: 3 errors",
                "--set server.http=abc: 'server.http' must be an integer between 0 and 65535, not 'abc'",
                $"{_path}:6:16: 'defaults.merge_write' must be a duration with a unit (e.g. 350ms, 10s, 5m), not 'fast'",
                $"{_path}:9:11: 'plugins.rtmp.port' must be an integer between 0 and 65535, not '70000'",
            ],
            lines);
    }

    [Fact]
    public async Task A_bad_plugin_section_stops_start_up_before_any_plugin_or_kestrel_binds()
    {
        // Before the configure step the RTMP plugin bound its port and only then was its unknown key found.
        int http = FreePort.Next();
        int rtmp = FreePort.Next();
        string yaml = $"""
            server:
              listen: 127.0.0.1
              http: {http}
            plugins:
              rtmp:
                port: {rtmp}
                prot: 1935
              flv:
                cors: sometimes
            """;

        var (code, output) = await RunWatchingPortsAsync(yaml, [http, rtmp]);

        Assert.Equal(2, code);
        Assert.Contains($"{_path}: 2 errors", output, StringComparison.Ordinal);
        Assert.Contains($"{_path}:7:5: unknown key 'plugins.rtmp.prot'", output, StringComparison.Ordinal);
        Assert.Contains($"{_path}:9:11: 'plugins.flv.cors' must be true or false, not 'sometimes'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("started", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_relative_config_that_is_not_there_is_named_by_its_full_path_without_a_position()
    {
        // The host runs in the temp folder (HostProcess), so that is where a relative --config is looked for.
        string name = $"lkm-missing-{Guid.NewGuid():N}.yaml";

        var (code, output) = await HostProcess.RunExpectingExitAsync(name, TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        string full = Path.Combine(Path.GetFullPath(Path.GetTempPath()), name);
        Assert.Contains($"{full}: config file not found (a relative --config is resolved against the current directory, {Path.GetDirectoryName(full)})", output, StringComparison.Ordinal);
        Assert.DoesNotContain(":0:0", output, StringComparison.Ordinal);
    }

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lkm-bad-{Guid.NewGuid():N}.yaml");

    /// <summary>Runs the host on <paramref name="yaml"/> expecting it to exit, checking all along (and after) that nothing listens on <paramref name="ports"/>.</summary>
    private async Task<(int Code, string Output)> RunWatchingPortsAsync(string yaml, int[] ports, params string[] settings)
    {
        await File.WriteAllTextAsync(_path, yaml, TestContext.Current.CancellationToken);
        using var done = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            int probes = 0;
            do
            {
                foreach (int port in ports)
                {
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    try
                    {
                        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                        Assert.Fail($"something listened on port {port}");
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                    }
                }

                probes++;
                await Task.Delay(10);
            }
            while (!done.IsCancellationRequested);
            return probes;
        });
        try
        {
            var result = await HostProcess.RunExpectingExitAsync(_path, TimeSpan.FromSeconds(30), settings);
            await done.CancelAsync();
            Assert.True(await watch > 1); // watched during the run and once after it ended
            return result;
        }
        finally
        {
            File.Delete(_path);
        }
    }
}
