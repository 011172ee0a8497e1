using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>Runs a stream's hooks from the script its route names, with the route's time limit and error policy.</summary>
public sealed partial class ScriptStreamHooks : IStreamHooks
{
    private readonly HookEngine _engine;
    private readonly ILogger _logger;

    public ScriptStreamHooks(HookEngine engine, ILoggerFactory loggerFactory)
    {
        _engine = engine;
        _logger = loggerFactory.CreateLogger("Lkm.Hooks");
    }

    public async Task<HookDecision> DecideAsync(StreamPolicy policy, HookEvent hookEvent, HookContext context, CancellationToken cancellationToken)
    {
        if (policy.HookScript.Length == 0)
        {
            return new HookDecision(true, null, false);
        }

        HookScript script;
        try
        {
            script = _engine.GetScript(policy.HookScript);
        }
        catch (HookScriptException ex)
        {
            // A script that never compiled: the route's error policy decides, and the log says where it broke.
            Log.ScriptUnusable(_logger, context.Stream, hookEvent, ex.Message);
            return new HookDecision(policy.OnError == HookErrorPolicy.Allow, "hook script error", true);
        }

        return await _engine.RunAsync(script, hookEvent, context, Options(policy), cancellationToken).ConfigureAwait(false);
    }

    public void Notify(StreamPolicy policy, HookEvent hookEvent, HookContext context)
    {
        if (policy.HookScript.Length == 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await DecideAsync(policy, hookEvent, context, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.NotifyFailed(_logger, context.Stream, hookEvent, ex);
            }
        });
    }

    // The statement limit is a backstop far above what the time limit lets run (Jint does some millions of
    // statements a second), so a runaway script is stopped by the route's time limit, as configured.
    private const int MaxStatements = 100_000_000;

    private static HookOptions Options(StreamPolicy policy) => new() { Timeout = policy.HookTimeout, OnError = policy.OnError, MaxStatements = MaxStatements };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Stream {StreamId}: {Event} hook not run: {Message}")]
        public static partial void ScriptUnusable(ILogger logger, string streamId, HookEvent @event, string message);

        [LoggerMessage(2, LogLevel.Warning, "Stream {StreamId}: {Event} hook failed")]
        public static partial void NotifyFailed(ILogger logger, string streamId, HookEvent @event, Exception exception);
    }
}
