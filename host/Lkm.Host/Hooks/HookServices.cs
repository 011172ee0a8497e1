using Microsoft.Extensions.Logging;

namespace Lkm.Host.Hooks;

/// <summary>What every engine of a <see cref="HookEngine"/> shares: the HTTP client, the script logger, counters.</summary>
internal sealed partial class HookServices(ILogger scriptLogger) : IDisposable
{
    /// <summary>Engines built so far (tests use it to see that engines are pooled).</summary>
    public int RuntimesCreated;

    // Created on a script's first http.* call: most scripts never make one, and the client alone loads
    // System.Net.Http and its handler machinery into every server.
    private readonly Lazy<HookHttp> _http = new(static () => new HookHttp(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared HTTP client of the scripts' <c>http</c> helper, created on first use.</summary>
    public HookHttp Http => _http.Value;

    /// <summary>True once a script has made an HTTP request (tests use it to see that the client is not built eagerly).</summary>
    public bool HttpCreated => _http.IsValueCreated;

    /// <summary>log.debug/info/warn/error from a script: level 0..3.</summary>
    public void ScriptLog(string script, int level, string message)
    {
        var logLevel = level switch
        {
            <= 0 => LogLevel.Debug,
            1 => LogLevel.Information,
            2 => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        Log.Script(scriptLogger, logLevel, script, message);
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Message = "[{Script}] {Message}")]
        public static partial void Script(ILogger logger, LogLevel level, string script, string message);
    }
}
