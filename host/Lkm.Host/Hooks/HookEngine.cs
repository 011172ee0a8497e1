using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Hooks;

/// <summary>
/// Runs JavaScript hook scripts (Jint). Scripts are loaded once, cached by path and reloaded when their file
/// changes. Each call rents a pre-evaluated engine from a per-script pool for its whole duration, so calls never
/// share an engine and a runaway or awaiting script only ever holds its own engine. A call runs the script
/// synchronously on the caller's thread until the script awaits a Promise (HTTP); then it continues asynchronously.
/// </summary>
public sealed partial class HookEngine : IAsyncDisposable
{
    private static readonly Task<HookDecision> NotDefined = Task.FromResult(new HookDecision(true, null, false));
    private readonly ConcurrentDictionary<string, HookScript> _scripts = new(StringComparer.Ordinal);
    private readonly object _loadGate = new();
    private readonly HookServices _services;
    private readonly ILogger _logger;
    private readonly Timer _poll;
    private long _calls;
    private long _failures;
    private long _timeouts;
    private volatile bool _disposed;

    public HookEngine(ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger("Lkm.Hooks");
        _services = new HookServices(_logger);
        _poll = new Timer(_ => PollFiles(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Script calls made (events the script defines).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls that failed: threw, rejected, timed out, hit a limit or returned garbage (timeouts included).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Calls that exceeded the time limit or the async timeout.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Latency of script calls, from entering <see cref="RunAsync"/> to the decision.</summary>
    public HookLatencyHistogram Latency { get; } = new();

    /// <summary>Engines built so far, across scripts (for tests: pooled engines are reused, not rebuilt).</summary>
    internal int EnginesCreated => Volatile.Read(ref _services.RuntimesCreated);

    /// <summary>True once a script made an HTTP request, which is when the shared client is built (for tests).</summary>
    internal bool HttpClientCreated => _services.HttpCreated;

    /// <summary>
    /// The script at <paramref name="fullPath"/>, loaded and watched on first use, cached afterwards (cheap to call per decision).
    /// </summary>
    /// <exception cref="HookScriptException">the script has never loaded successfully (syntax error, missing file...).</exception>
    public HookScript GetScript(string fullPath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_scripts.TryGetValue(fullPath, out var script))
        {
            string normalized = Path.GetFullPath(fullPath);
            lock (_loadGate)
            {
                if (!_scripts.TryGetValue(normalized, out script))
                {
                    script = new HookScript(normalized, _services, _logger);
                    _scripts[normalized] = script;
                }

                _scripts[fullPath] = script;
            }
        }

        if (script.Current is null)
        {
            script.CheckForChange(); // fixed since the last failure, and the watcher has not fired yet?
            if (script.Current is null)
            {
                throw script.LastError?.Clone() ?? new HookScriptException(script.FullPath, 0, 0, "the script is not loaded");
            }
        }

        return script;
    }

    /// <summary>
    /// Runs one event of <paramref name="script"/>. Deciding events answer true/false, <c>{allow, reason}</c> or a Promise
    /// of either; other events' results are ignored (Allow = true). An event the script does not define returns
    /// <c>FromScript = false</c>. A script that throws, times out, hits a limit or returns garbage yields
    /// <c>Allow = (OnError == Allow)</c> for deciding events and a warning naming the script file and line.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while the script was awaiting.</exception>
    public Task<HookDecision> RunAsync(HookScript script, HookEvent hookEvent, HookContext context, HookOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var compiled = script.Current;
        if (compiled is null || !compiled.Defines(hookEvent))
        {
            return NotDefined;
        }

        return RunCoreAsync(script, compiled, hookEvent, context, options, cancellationToken);
    }

    private async Task<HookDecision> RunCoreAsync(HookScript script, CompiledHookScript compiled, HookEvent hookEvent, HookContext context, HookOptions options, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _calls);
        var pool = compiled.PoolFor(JsLimits.From(options));
        JsRuntime? runtime = null;
        try
        {
            runtime = await pool.RentAsync(options.AsyncTimeout, cancellationToken).ConfigureAwait(false);
            var decision = await runtime.CallAsync(hookEvent, context, options, cancellationToken).ConfigureAwait(false);
            GiveBack(pool, runtime, options);
            return decision;
        }
        catch (HookCallException ex)
        {
            if (runtime is not null)
            {
                if (ex.DiscardsEngine || ex.Kind == HookFailureKind.Timeout)
                {
                    pool.Discard(runtime);
                }
                else
                {
                    GiveBack(pool, runtime, options);
                }
            }

            return Fail(script, hookEvent, context, options, ex);
        }
        catch (OperationCanceledException)
        {
            if (runtime is not null)
            {
                pool.Discard(runtime);
            }

            throw;
        }
        finally
        {
            Latency.Record(Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>Back to the pool, after any fire-and-forget work the script left running has settled.</summary>
    private static void GiveBack(JsRuntimePool pool, JsRuntime runtime, HookOptions options)
    {
        if (!runtime.HasPendingWork)
        {
            pool.Return(runtime);
            return;
        }

        _ = Task.Run(async () =>
        {
            if (await runtime.DrainAsync(options.AsyncTimeout).ConfigureAwait(false))
            {
                pool.Return(runtime);
            }
            else
            {
                pool.Discard(runtime);
            }
        });
    }

    private HookDecision Fail(HookScript script, HookEvent hookEvent, HookContext context, HookOptions options, HookCallException ex)
    {
        Interlocked.Increment(ref _failures);
        if (ex.Kind == HookFailureKind.Timeout)
        {
            Interlocked.Increment(ref _timeouts);
        }

        bool deciding = hookEvent.IsDeciding();
        bool allow = !deciding || options.OnError == HookErrorPolicy.Allow;
        string where = ex.Location ?? script.FullPath;
        string outcome = !deciding ? "ignored" : allow ? "allowed (on_error: allow)" : "denied (on_error: deny)";
        Log.CallFailed(_logger, hookEvent.ScriptName(), context.Stream, context.Protocol, context.RemoteAddr, where, ex.Message, outcome);
        return new HookDecision(allow, ex.Location is null ? ex.Message : $"{ex.Message} at {ex.Location}", true);
    }

    private void PollFiles()
    {
        if (_disposed)
        {
            return;
        }

        foreach (var script in _scripts.Values.Distinct())
        {
            try
            {
                script.CheckForChange();
            }
            catch (Exception ex)
            {
                Log.PollFailed(_logger, script.FullPath, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _poll.DisposeAsync().ConfigureAwait(false);
        foreach (var script in _scripts.Values.Distinct())
        {
            script.Dispose();
        }

        _scripts.Clear();
        _services.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Hook {Event} for stream {StreamId} ({Protocol} {Peer}) failed at {Location}: {Error}; {Outcome}")]
        public static partial void CallFailed(ILogger logger, string @event, string streamId, string protocol, string peer, string location, string error, string outcome);

        [LoggerMessage(2, LogLevel.Warning, "Hook script {File}: change check failed")]
        public static partial void PollFailed(ILogger logger, string file, Exception exception);
    }
}
