using Lkm.Host.Api;
using Lkm.Host.Hooks;
using Lkm.Host.Plugins;
using Lkm.Host.Streaming;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Lkm.Host.Metrics;

/// <summary>
/// <c>/metrics</c> in Prometheus text format (prometheus-net). The media path is never touched: at
/// scrape time the hub, hook engine and plugin catalog are read once and copied into the gauges and
/// counters of a registry of our own (plus prometheus-net's process and .NET runtime metrics).
/// </summary>
public sealed class LkmMetrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Hook latency buckets: 2 µs .. ~33 s, doubling, the same bounds HookLatencyHistogram counts in.
    private const int HookBuckets = 25;

    private static readonly string[] GenerationLabels = ["0", "1", "2"];

    private readonly ApiServices _services;
    private readonly SemaphoreSlim _scrape = new(1, 1);
    private readonly HashSet<string> _streams = new(StringComparer.Ordinal);
    private readonly HashSet<string> _playerProtocols = new(StringComparer.Ordinal);
    private readonly HashSet<string> _publisherProtocols = new(StringComparer.Ordinal);
    private readonly long[] _hookBucketsSeen = new long[HookLatencyHistogram.BucketCount];

    private readonly Gauge _streamsGauge;
    private readonly Gauge _publishers;
    private readonly Gauge _players;
    private readonly Gauge _streamPlayers;
    private readonly Counter _bytesIn;
    private readonly Counter _bytesOut;
    private readonly Gauge _bitrateIn;
    private readonly Gauge _bitrateOut;
    private readonly Counter _dropped;
    private readonly Counter _publishesAccepted;
    private readonly Counter _playsAccepted;
    private readonly Counter _faultedPlayers;
    private readonly Gauge _liveHeap;
    private readonly Counter _gcCollections;
    private readonly Counter _gcPause;
    private readonly Counter _gcAllocated;
    private readonly Counter _hookCalls;
    private readonly Counter _hookFailures;
    private readonly Counter _hookTimeouts;
    private readonly Histogram _hookLatency;
    private readonly Gauge _pluginState;
    private readonly Gauge _pluginSessions;
    private readonly Gauge _pluginInfo;
    private readonly Counter _pluginSwaps;
    private readonly Counter _pluginRefused;
    private readonly HashSet<(string Name, string Version, string State)> _pluginInfoSeen = [];

    static LkmMetrics()
    {
        // We export a registry of our own: prometheus-net's default registry (and the event-counter
        // and meter listeners it would start in-process) is never scraped, so it is not started.
        Prometheus.Metrics.SuppressDefaultMetrics();
    }

    public LkmMetrics(ApiServices services)
    {
        _services = services;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] stream = ["stream"];
        string[] protocol = ["protocol"];
        _streamsGauge = factory.CreateGauge("lkm_streams", "Streams the server holds (published or awaited by players).");
        _publishers = factory.CreateGauge("lkm_publishers", "Publishers connected, by ingest protocol.", protocol);
        _players = factory.CreateGauge("lkm_players", "Players connected, by protocol.", protocol);
        _streamPlayers = factory.CreateGauge("lkm_stream_players", "Players of one stream.", stream);
        _bytesIn = factory.CreateCounter("lkm_stream_bytes_in_total", "Media bytes received from the publisher of a stream.", stream);
        _bytesOut = factory.CreateCounter("lkm_stream_bytes_out_total", "Bytes queued to the players of a stream.", stream);
        _bitrateIn = factory.CreateGauge("lkm_stream_bitrate_in_kbps", "Incoming bitrate of a stream in kbit/s.", stream);
        _bitrateOut = factory.CreateGauge("lkm_stream_bitrate_out_kbps", "Outgoing bitrate of a stream (all players) in kbit/s.", stream);
        _dropped = factory.CreateCounter("lkm_stream_dropped_players_total", "Players of a stream disconnected because they could not keep up.", stream);
        _publishesAccepted = factory.CreateCounter("lkm_publishes_accepted_total", "Publishers accepted since the server started.");
        _playsAccepted = factory.CreateCounter("lkm_plays_accepted_total", "Players accepted (attached or left waiting) since the server started.");
        _faultedPlayers = factory.CreateCounter("lkm_player_faults_total", "Players that ended on an error in their own code (a bug, logged with its stack), since the server started.");
        _liveHeap = factory.CreateGauge("lkm_gc_heap_live_bytes", "Managed heap right after the last full blocking GC, free space excluded (0 before the first): the live objects, the figure to watch for leaks.");
        _gcCollections = factory.CreateCounter("lkm_gc_collections_total", "Garbage collections since the server started, by generation (GC.CollectionCount: a collection of a generation collects the younger ones too, so generation 0 counts every GC).", ["generation"]);
        _gcPause = factory.CreateCounter("lkm_gc_pause_seconds_total", "Time the process was paused by garbage collections since it started (GC.GetTotalPauseDuration).");
        _gcAllocated = factory.CreateCounter("lkm_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the server started (GC.GetTotalAllocatedBytes, not precise to the last allocation context).");
        _hookCalls = factory.CreateCounter("lkm_hook_calls_total", "Hook script calls.");
        _hookFailures = factory.CreateCounter("lkm_hook_failures_total", "Hook calls that threw or did not compile.");
        _hookTimeouts = factory.CreateCounter("lkm_hook_timeouts_total", "Hook calls that ran out of time.");
        _hookLatency = factory.CreateHistogram("lkm_hook_duration_seconds", "Duration of hook calls (bucket midpoints are used for the sum).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(2e-6, 2, HookBuckets) });
        _pluginState = factory.CreateGauge("lkm_plugin_state", "1 for the state each plugin's newest version is in (loaded, running, draining, unloaded, stopped, failed).", ["plugin", "state"]);
        _pluginSessions = factory.CreateGauge("lkm_plugin_live_sessions", "Sessions running on each plugin, all loaded versions together (connections its listeners took, requests its HTTP handlers serve), counted by the host.", ["plugin"]);
        _pluginInfo = factory.CreateGauge("lkm_plugin_info", "1 for each loaded (or recently finished) version of a plugin, labelled with its version and state.", ["name", "version", "state"]);
        _pluginSwaps = factory.CreateCounter("lkm_plugin_swaps_total", "Plugin versions that replaced a running version without a restart.");
        _pluginRefused = factory.CreateCounter("lkm_plugin_refused_loads_total", "Plugin folders refused since the server started (bad image, missing dependency, another SDK major version, config errors, failed to start).");
        Registry.AddBeforeCollectCallback(UpdateAsync);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Answers a scrape.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentType;
        await Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        var infos = await _services.Streams.DescribeAllAsync().ConfigureAwait(false);
        var plugins = _services.Plugins;
        await _scrape.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            UpdateStreams(infos);
            var engine = _services.Streams.Counters;
            _publishesAccepted.IncTo(engine.PublishesAccepted);
            _playsAccepted.IncTo(engine.PlaysAccepted);
            _faultedPlayers.IncTo(engine.FaultedPlayers);
            var fullGc = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            _liveHeap.Set(fullGc.HeapSizeBytes - fullGc.FragmentedBytes);
            UpdateGc();
            UpdateHooks(_services.Hooks);
            UpdatePlugins(plugins);
        }
        finally
        {
            _scrape.Release();
        }
    }

    /// <summary>The runtime's own running totals, copied as they are (cheap reads, no event listener).</summary>
    private void UpdateGc()
    {
        for (int generation = 0; generation < GenerationLabels.Length; generation++)
        {
            _gcCollections.WithLabels(GenerationLabels[generation]).IncTo(GC.CollectionCount(generation));
        }

        _gcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
        _gcAllocated.IncTo(GC.GetTotalAllocatedBytes(precise: false));
    }

    private void UpdateStreams(IReadOnlyList<SourceInfo> infos)
    {
        _streamsGauge.Set(infos.Count);
        SetByLabel(_publishers, _publisherProtocols, infos.Where(i => i.Protocol is not null).GroupBy(i => i.Protocol!).Select(g => (g.Key, (double)g.Count())));
        SetByLabel(_players, _playerProtocols, infos.SelectMany(i => i.PlayersByProtocol).GroupBy(p => p.Key).Select(g => (g.Key, (double)g.Sum(p => p.Value))));

        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in infos)
        {
            current.Add(info.Id);
            _streamPlayers.WithLabels(info.Id).Set(info.Players);
            _bytesIn.WithLabels(info.Id).IncTo(info.BytesIn);
            _bytesOut.WithLabels(info.Id).IncTo(info.BytesOut);
            _bitrateIn.WithLabels(info.Id).Set(Math.Round(info.BitrateInKbps, 1));
            _bitrateOut.WithLabels(info.Id).Set(Math.Round(info.BitrateOutKbps, 1));
            _dropped.WithLabels(info.Id).IncTo(info.DroppedPlayers);
        }

        // A stream that ended takes its series with it (a new stream of the same id starts from zero).
        foreach (string gone in _streams.Except(current).ToList())
        {
            _streamPlayers.RemoveLabelled(gone);
            _bytesIn.RemoveLabelled(gone);
            _bytesOut.RemoveLabelled(gone);
            _bitrateIn.RemoveLabelled(gone);
            _bitrateOut.RemoveLabelled(gone);
            _dropped.RemoveLabelled(gone);
            _streams.Remove(gone);
        }

        _streams.UnionWith(current);
    }

    /// <summary>Sets one gauge series per label value; values seen before and absent now go to zero.</summary>
    private static void SetByLabel(Gauge gauge, HashSet<string> seen, IEnumerable<(string Label, double Value)> values)
    {
        var now = values.ToDictionary(v => v.Label, v => v.Value, StringComparer.Ordinal);
        seen.UnionWith(now.Keys);
        foreach (string label in seen)
        {
            gauge.WithLabels(label).Set(now.GetValueOrDefault(label));
        }
    }

    private void UpdateHooks(HookEngine? hooks)
    {
        if (hooks is null)
        {
            return;
        }

        _hookCalls.IncTo(hooks.Calls);
        _hookFailures.IncTo(hooks.Failures);
        _hookTimeouts.IncTo(hooks.Timeouts);

        // The engine keeps cumulative counts per power-of-two bucket; observe what is new since the last scrape.
        long[] buckets = hooks.Latency.Snapshot();
        for (int i = 0; i < buckets.Length; i++)
        {
            long added = buckets[i] - _hookBucketsSeen[i];
            if (added > 0)
            {
                double midpointSeconds = (i == 0 ? 1 : 1.5 * Math.Pow(2, i)) / 1_000_000;
                _hookLatency.Observe(midpointSeconds, added);
                _hookBucketsSeen[i] = buckets[i];
            }
        }
    }

    private void UpdatePlugins(IReadOnlyList<LoadedPlugin> plugins)
    {
        foreach (var versions in plugins.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            var newest = versions.Where(p => p.State != PluginState.Failed).DefaultIfEmpty(versions.Last()).Last();
            foreach (var state in Enum.GetValues<PluginState>())
            {
                _pluginState.WithLabels(versions.Key, state.ToString().ToLowerInvariant()).Set(newest.State == state ? 1 : 0);
            }

            _pluginSessions.WithLabels(versions.Key).Set(versions.Sum(p => p.LiveSessions));
        }

        // One series per version and state now; a version that changed state or was pruned loses its old series.
        var now = plugins.Select(p => (p.Name, p.Version?.ToString() ?? "", p.State.ToString().ToLowerInvariant())).ToHashSet();
        foreach (var gone in _pluginInfoSeen.Where(l => !now.Contains(l)).ToList())
        {
            _pluginInfo.RemoveLabelled(gone.Name, gone.Version, gone.State);
            _pluginInfoSeen.Remove(gone);
        }

        foreach (var labels in now)
        {
            _pluginInfo.WithLabels(labels.Item1, labels.Item2, labels.Item3).Set(1);
            _pluginInfoSeen.Add(labels);
        }

        _pluginSwaps.IncTo(_services.PluginRegistry.Swaps);
        _pluginRefused.IncTo(_services.PluginRegistry.RefusedLoads);
    }
}
