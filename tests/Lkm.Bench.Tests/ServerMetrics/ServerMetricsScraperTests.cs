using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lkm.Bench.Play;
using Lkm.Bench.ServerMetrics;

namespace Lkm.Bench.Tests.ServerMetrics;

public sealed class ServerMetricsScraperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reports_the_differences_between_the_start_and_the_end_of_the_steady_phase()
    {
        // Each scrape sees 10 more gen0 collections, 5 ms more pause and 8 MiB more allocated.
        int scrapes = 0;
        string? authorization = null;
        await using var server = new TinyHttpServer(request =>
        {
            authorization = request.Split("\r\n").FirstOrDefault(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase));
            int n = Interlocked.Increment(ref scrapes);
            return (200, string.Create(CultureInfo.InvariantCulture, $$"""
                # TYPE lkm_gc_collections_total counter
                lkm_gc_collections_total{generation="0"} {{10 * n}}
                lkm_gc_collections_total{generation="1"} 1
                lkm_gc_collections_total{generation="2"} 0
                lkm_gc_pause_seconds_total {{0.005 * n}}
                lkm_gc_allocated_bytes_total {{8L * n << 20}}

                """));
        });
        var clock = new RunClock(RunClock.Now, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));

        var gc = await ServerMetricsScraper.RunAsync(new Uri($"http://127.0.0.1:{server.Port}/metrics"), "secret", clock, Ct);

        Assert.Null(gc.Warning);
        Assert.Equal(3, scrapes); // run start, steady start, steady end
        Assert.Equal("Authorization: Bearer secret", authorization);
        Assert.Equal(10, gc.Gen0Collections);
        Assert.Equal(0, gc.Gen1Collections);
        Assert.Equal(5, gc.PauseMs);
        Assert.Equal(8, gc.AllocatedMiB);
        // The scrapes are late when the machine is busy (the window is timed between the scrapes' answers): loose bounds.
        Assert.InRange(gc.Seconds!.Value, 0.5, 2.0);
        Assert.InRange(gc.AllocatedMiBPerSecond!.Value, 8 / 2.0, 8 / 0.5);
    }

    [Fact]
    public async Task A_failed_scrape_is_a_warning()
    {
        var clock = new RunClock(RunClock.Now, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        var refusing = new TcpListener(IPAddress.Loopback, 0);
        refusing.Start();
        int port = ((IPEndPoint)refusing.LocalEndpoint).Port;
        refusing.Stop();

        var refused = await ServerMetricsScraper.RunAsync(new Uri($"http://127.0.0.1:{port}/metrics"), null, clock, Ct);
        Assert.Null(refused.Gen0Collections);
        Assert.StartsWith($"scrape of http://127.0.0.1:{port}/metrics failed", refused.Warning);

        await using var locked = new TinyHttpServer(_ => (401, "{\"code\":-1}"));
        var unauthorized = await ServerMetricsScraper.RunAsync(new Uri($"http://127.0.0.1:{locked.Port}/metrics"), null, clock, Ct);
        Assert.Contains("HTTP 401", unauthorized.Warning);
        Assert.Contains("--server-metrics-token", unauthorized.Warning);

        await using var other = new TinyHttpServer(_ => (200, "process_cpu_seconds_total 1\n"));
        var notOurs = await ServerMetricsScraper.RunAsync(new Uri($"http://127.0.0.1:{other.Port}/metrics"), null, clock, Ct);
        Assert.StartsWith("no lkm_gc_* metrics", notOurs.Warning);

        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();
        var cancelled = await ServerMetricsScraper.RunAsync(new Uri($"http://127.0.0.1:{other.Port}/metrics"), null, clock, stopped.Token);
        Assert.Equal("the run was stopped before the end of the steady phase", cancelled.Warning);
    }

    /// <summary>Answers each HTTP request on its own connection with the status and body the handler gives.</summary>
    private sealed class TinyHttpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public TinyHttpServer(Func<string, (int Status, string Body)> handler)
        {
            _listener.Start();
            _serving = ServeAsync(handler);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task ServeAsync(Func<string, (int Status, string Body)> handler)
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    byte[] buffer = new byte[4096];
                    while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    var (status, body) = handler(head.ToString());
                    byte[] bytes = Encoding.UTF8.GetBytes(body);
                    string response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Unauthorized")}\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    await stream.WriteAsync(bytes, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
            _stop.Dispose();
        }
    }
}
