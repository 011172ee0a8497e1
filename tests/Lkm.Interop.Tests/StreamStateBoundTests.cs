using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lkm.Interop.Tests.Support;
using Lkm.Testing;

namespace Lkm.Interop.Tests;

/// <summary>
/// Stream ids come from clients: anyone can ask for made-up streams. Nothing the server keeps for
/// such a stream may outlive it, or memory grows for as long as someone keeps asking.
/// </summary>
public sealed class StreamStateBoundTests
{
    private const int Requests = 100_000;
    private const int WarmUpRequests = 5_000;
    private const int Concurrency = 32;

    [Fact]
    public async Task Play_requests_for_100000_made_up_streams_leave_heap_and_rss_where_they_started()
    {
        // Warnings only: 200 000 "waits"/"left" lines would measure the console, not the engine.
        await using var host = await HostProcess.StartAsync("log.level=warn");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var ct = TestContext.Current.CancellationToken;

        // Warm up (JIT, pools, the metrics registry) with the same concurrency, then measure where we start.
        await PlayAndCloseAsync(host, http, "warm", WarmUpRequests, ct);
        await WaitForNoStreamsAsync(host, http, ct);
        var before = await HostMemory.ReadAsync(host, http);

        await PlayAndCloseAsync(host, http, "made-up", Requests, ct);
        await WaitForNoStreamsAsync(host, http, ct);
        var after = await HostMemory.ReadAsync(host, http);

        TestContext.Current.TestOutputHelper?.WriteLine($"before {before}; after {Requests} play requests for distinct ids: {after}");
        Assert.True(after.LiveHeapBytes <= before.LiveHeapBytes * 1.10, $"managed heap grew from {before} to {after}");
        Assert.True(after.RssBytes <= before.RssBytes * 1.10, $"RSS grew from {before} to {after}");
        Assert.False(host.HasExited);
    }

    /// <summary>
    /// Asks for <paramref name="count"/> distinct streams over HTTP-FLV, <see cref="Concurrency"/> at a
    /// time; each player hangs up as soon as its request is sent (and waits for the server to close). The server's count of accepted
    /// players says every request reached the engine.
    /// </summary>
    private static async Task PlayAndCloseAsync(HostProcess host, HttpClient http, string prefix, int count, CancellationToken ct)
    {
        double acceptedBefore = await PlaysAcceptedAsync(host, http, ct);
        int next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[4096];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, host.HttpPort, ct);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /{prefix}/s{i}.flv HTTP/1.1\r\nHost: x\r\n\r\n"), ct);
                socket.Shutdown(SocketShutdown.Send);

                // Until the server has let go of the connection: this bounds how many it holds at once, so
                // the server's transport buffers are sized for the same concurrency as during the warm-up.
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, ct) > 0)
                {
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        double accepted = 0;
        while (DateTime.UtcNow < deadline && (accepted = await PlaysAcceptedAsync(host, http, ct) - acceptedBefore) < count)
        {
            await Task.Delay(200, ct);
        }

        Assert.Equal(count, accepted);
    }

    private static async Task<double> PlaysAcceptedAsync(HostProcess host, HttpClient http, CancellationToken ct) =>
        PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{host.HttpPort}/metrics", ct)).Value("lkm_plays_accepted_total") ?? 0;

    private static async Task WaitForNoStreamsAsync(HostProcess host, HttpClient http, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int streams = -1;
        while (DateTime.UtcNow < deadline)
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{host.HttpPort}/api/v1/streams/statistics", ct));
            streams = doc.RootElement.GetProperty("data").GetProperty("streams").GetInt32();
            if (streams == 0)
            {
                return;
            }

            await Task.Delay(200, ct);
        }

        Assert.Fail($"{streams} streams still held 30 s after their players left");
    }
}
