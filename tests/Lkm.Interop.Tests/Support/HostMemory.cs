using System.Diagnostics.Tracing;
using System.Globalization;
using Lkm.Testing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Lkm.Interop.Tests.Support;

/// <summary>The host process's live managed heap (what a full GC it is made to run keeps) and its resident memory.</summary>
public static class HostMemory
{
    // The runtime's GCHeapCollect keyword: enabling it makes the runtime run a blocking, full GC (what dotnet-gcdump uses).
    private const long GcHeapCollectKeyword = 0x800000;

    public sealed record Reading(long LiveHeapBytes, long RssBytes)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"heap {LiveHeapBytes / 1024.0 / 1024:0.0} MiB, RSS {RssBytes / 1024.0 / 1024:0.0} MiB");
    }

    /// <summary>Makes the host collect fully, then reads its heap (from /metrics) and RSS.</summary>
    public static async Task<Reading> ReadAsync(HostProcess host, HttpClient http)
    {
        double fullGcs = (await MetricsAsync(host, http)).Value("dotnet_collection_count_total", ("generation", "2")) ?? 0;
        // Twice, like GC.Collect(); WaitForPendingFinalizers(); GC.Collect(): objects that had a finalizer
        // to run (sockets, timers) are only freed by the second one.
        await InduceFullGcAsync(host.ProcessId);
        await InduceFullGcAsync(host.ProcessId);
        var metrics = await MetricsAsync(host, http);
        double fullGcsAfter = metrics.Value("dotnet_collection_count_total", ("generation", "2")) ?? 0;
        if (fullGcsAfter <= fullGcs)
        {
            throw new InvalidOperationException($"the host ran no full GC when asked ({fullGcs} before, {fullGcsAfter} after)");
        }

        double heap = metrics.Value("lkm_gc_heap_live_bytes") ?? throw new InvalidOperationException("no lkm_gc_heap_live_bytes in /metrics");
        return new Reading((long)heap, host.RssBytes);
    }

    private static async Task InduceFullGcAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcHeapCollectKeyword);
        using var session = await client.StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 16, CancellationToken.None);
        var drain = session.EventStream.CopyToAsync(Stream.Null);

        // The GC runs as the session starts; give it a moment, then end the session.
        await Task.Delay(1000);
        await session.StopAsync(CancellationToken.None);
        await drain.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<PrometheusText> MetricsAsync(HostProcess host, HttpClient http) =>
        PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{host.HttpPort}/metrics"));
}
