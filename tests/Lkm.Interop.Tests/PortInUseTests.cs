using System.Net.Sockets;
using System.Text;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// A listening port belongs to one server: a second server started on a port the first holds stops at once with
/// one clear line and a non-zero exit code, and the first keeps every client (with SO_REUSEPORT the second would
/// have bound too and the kernel would have split new publishers between the two).
/// </summary>
public sealed class PortInUseTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_server_on_the_same_rtmp_port_fails_at_once_and_the_first_keeps_its_clients()
    {
        _ = ExternalTools.Ffmpeg;
        await using var first = await HostProcess.StartAsync();
        await using var publisher = FfmpegProcess.PublishTestStream(first.RtmpUrl("live/owner"));
        await using var player = await FlvReader.StartAsync(first.HttpPort, "live/owner.flv", Ct);
        await player.WaitForBytesAsync(1, TimeSpan.FromSeconds(20));

        // Other HTTP port (and API on it), the same RTMP port.
        var (exitCode, output) = await HostProcess.StartExpectingExitAsync(ExitTimeout, $"plugins.rtmp.port={first.RtmpPort}");

        Assert.NotEqual(0, exitCode);
        string line = Assert.Single(Lines(output), l => l.Contains("already in use", StringComparison.Ordinal));
        Assert.Contains(
            $"cannot start: port {first.RtmpPort} is already in use: rtmp cannot listen on 127.0.0.1:{first.RtmpPort}; stop the other process or pick another port with --set",
            line,
            StringComparison.Ordinal);
        AssertNoStackTrace(output);

        // The first server's publisher and player go on: the player keeps receiving media after the attempt.
        long before = player.Bytes;
        await player.WaitForBytesAsync(before + 20_000, TimeSpan.FromSeconds(10));
        Assert.False(first.HasExited);
        Assert.False(publisher.HasExited, "the first server's publisher was cut off");

        // New publishers still all reach the first server (no second listener took some of them).
        for (int i = 0; i < 4; i++)
        {
            await using var client = await Lkm.Sdk.Testing.Rtmp.RawRtmpClient.ConnectAsync(first.RtmpPort);
            await client.ConnectAppAsync("live");
        }

        Assert.Equal(0, player.Errors);
    }

    [Fact]
    public async Task A_second_server_on_the_same_http_port_fails_at_once_with_one_line()
    {
        await using var first = await HostProcess.StartAsync();

        var (exitCode, output) = await HostProcess.StartExpectingExitAsync(ExitTimeout, $"server.http={first.HttpPort}");

        Assert.NotEqual(0, exitCode);
        string line = Assert.Single(Lines(output), l => l.Contains("already in use", StringComparison.Ordinal));
        Assert.Contains(
            $"cannot start: port {first.HttpPort} is already in use: http cannot listen on 127.0.0.1:{first.HttpPort}; stop the other process or pick another port with --set server.http=<port>",
            line,
            StringComparison.Ordinal);
        AssertNoStackTrace(output);

        // Kestrel's socket is exclusive too: the first server still answers on it.
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{first.HttpPort}/api/v1/server/info", Ct);
        Assert.True(response.IsSuccessStatusCode, $"the first server answered {(int)response.StatusCode}");
        Assert.False(first.HasExited);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void AssertNoStackTrace(string output) =>
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));

    /// <summary>An HTTP-FLV player on a raw socket that counts the bytes it receives, for as long as it is alive.</summary>
    private sealed class FlvReader : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reading;
        private long _bytes;
        private int _errors;

        private FlvReader(Socket socket)
        {
            _socket = socket;
            _reading = ReadAsync();
        }

        public long Bytes => Interlocked.Read(ref _bytes);

        public int Errors => Volatile.Read(ref _errors);

        public static async Task<FlvReader> StartAsync(int port, string path, CancellationToken ct)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", port, ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), ct);
            return new FlvReader(socket);
        }

        public async Task WaitForBytesAsync(long count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Bytes < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the player got {Bytes} bytes, waited for {count}");
                Assert.False(_reading.IsCompleted, $"the player's connection ended after {Bytes} bytes");
                await Task.Delay(50, Ct);
            }
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                {
                    Interlocked.Add(ref _bytes, n);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _errors);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
