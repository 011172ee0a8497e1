using Microsoft.Extensions.Logging;

namespace Lkm.Host.Hooks;

/// <summary>What every engine of a <see cref="HookEngine"/> shares: the HTTP client, the script logger, counters.</summary>
internal sealed partial class HookServices(ILogger scriptLogger) : IDisposable
{
    /// <summary>Engines built so far (tests use it to see that engines are pooled).</summary>
    public int RuntimesCreated;

    public HookHttp Http { get; } = new();

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

    public void Dispose() => Http.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Message = "[{Script}] {Message}")]
        public static partial void Script(ILogger logger, LogLevel level, string script, string message);
    }
}
