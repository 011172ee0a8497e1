using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>
/// A source's idle and receive timeouts. A publisher with no players for idle_timeout, or sending
/// nothing for receive_timeout, is asked about through its hook (true keeps it); with no hook
/// defined, it is closed. The hook runs off the loop; its answer comes back as a posted action.
/// Owned by the source's event loop.
/// </summary>
internal sealed partial class SourceTimeouts
{
    private readonly string _id;
    private readonly IStreamHooks _hooks;
    private readonly ILogger _logger;
    private readonly Func<Action, bool> _postToLoop;
    private readonly Func<Publisher, string, bool> _close;
    private long _lastMediaAt;
    private long _noPlayersSince;
    private bool _hookRunning;

    /// <param name="postToLoop">Runs an action on the source's loop.</param>
    /// <param name="close">Closes the stream with a reason if this publisher still publishes it; false when it left meanwhile (called on the loop).</param>
    public SourceTimeouts(string id, IStreamHooks hooks, ILogger logger, Func<Action, bool> postToLoop, Func<Publisher, string, bool> close)
    {
        _id = id;
        _hooks = hooks;
        _logger = logger;
        _postToLoop = postToLoop;
        _close = close;
    }

    /// <summary>A publisher attached, or a hook kept the stream: both clocks start again.</summary>
    public void Restart() => _lastMediaAt = _noPlayersSince = Environment.TickCount64;

    public void MediaArrived() => _lastMediaAt = Environment.TickCount64;

    public void NoPlayersLeft() => _noPlayersSince = Environment.TickCount64;

    /// <summary>Checks both timeouts for the current publisher; <paramref name="publisher"/> is null while none.</summary>
    public void Check(StreamPolicy policy, Publisher? publisher, int players)
    {
        if (publisher is null || _hookRunning)
        {
            return;
        }

        long now = Environment.TickCount64;
        HookEvent hookEvent;
        string reason;
        if (policy.ReceiveTimeout > TimeSpan.Zero && now - _lastMediaAt > policy.ReceiveTimeout.TotalMilliseconds)
        {
            hookEvent = HookEvent.OnReceiveTimeout;
            reason = $"no media received for {policy.ReceiveTimeout.TotalSeconds:0.#} s";
        }
        else if (policy.IdleTimeout > TimeSpan.Zero && players == 0 && now - _noPlayersSince > policy.IdleTimeout.TotalMilliseconds)
        {
            hookEvent = HookEvent.OnIdleTimeout;
            reason = $"no players for {policy.IdleTimeout.TotalSeconds:0.#} s";
        }
        else
        {
            return;
        }

        _hookRunning = true;
        var context = HookContexts.For(publisher.Request);
        _ = Task.Run(async () =>
        {
            HookDecision decision;
            try
            {
                decision = await _hooks.DecideAsync(policy, hookEvent, context, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.HookFailed(_logger, _id, hookEvent, ex);
                decision = new HookDecision(false, ex.Message, false);
            }

            _postToLoop(() => OnDecided(hookEvent, decision, reason, publisher));
        });
    }

    private void OnDecided(HookEvent hookEvent, HookDecision decision, string reason, Publisher publisher)
    {
        _hookRunning = false;
        if (decision.FromScript && decision.Allow)
        {
            // The hook keeps the stream: the clock starts again.
            Log.TimeoutKept(_logger, _id, reason);
            Restart();
            return;
        }

        if (_close(publisher, hookEvent == HookEvent.OnIdleTimeout ? "idle timeout: " + reason : "receive timeout: " + reason))
        {
            Log.TimeoutClosed(_logger, _id, reason, decision.FromScript ? "its hook said no" : "no hook keeps it");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Information, "Stream {StreamId}: {Reason}, but its hook keeps it")]
        public static partial void TimeoutKept(ILogger logger, string streamId, string reason);

        [LoggerMessage(31, LogLevel.Information, "Stream {StreamId}: closed, {Reason} and {Why}")]
        public static partial void TimeoutClosed(ILogger logger, string streamId, string reason, string why);

        [LoggerMessage(32, LogLevel.Error, "Stream {StreamId}: asking {Event} failed")]
        public static partial void HookFailed(ILogger logger, string streamId, HookEvent @event, Exception exception);
    }
}
