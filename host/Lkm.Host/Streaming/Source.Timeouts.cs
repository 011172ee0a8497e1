using Lkm.Host.Hooks;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>Idle and receive timeouts of a source, asked of its hook.</summary>
internal sealed partial class Source
{
    /// <summary>
    /// A publisher with no players for idle_timeout, or sending nothing for receive_timeout, is asked
    /// about through its hook (true keeps it); with no hook defined, it is closed.
    /// </summary>
    private void CheckTimeouts()
    {
        if (!_hasPublisher || _timeoutHookRunning)
        {
            return;
        }

        long now = Environment.TickCount64;
        HookEvent? hookEvent = null;
        string reason = "";
        if (_options.ReceiveTimeout > TimeSpan.Zero && now - _lastMediaAt > _options.ReceiveTimeout.TotalMilliseconds)
        {
            hookEvent = HookEvent.OnReceiveTimeout;
            reason = $"no media received for {_options.ReceiveTimeout.TotalSeconds:0.#} s";
        }
        else if (_options.IdleTimeout > TimeSpan.Zero && _sinks.Count == 0 && now - _noPlayersSince > _options.IdleTimeout.TotalMilliseconds)
        {
            hookEvent = HookEvent.OnIdleTimeout;
            reason = $"no players for {_options.IdleTimeout.TotalSeconds:0.#} s";
        }

        if (hookEvent is not { } ev || ActivePublisher is not { } publisher)
        {
            return;
        }

        _timeoutHookRunning = true;
        var policy = _options;
        var context = HookContexts.For(publisher.Request);
        _ = Task.Run(async () =>
        {
            HookDecision decision;
            try
            {
                decision = await Hub.Hooks.DecideAsync(policy, ev, context, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.EventFailed(_logger, Id, SourceEventKind.Tick, ex);
                decision = new HookDecision(false, ex.Message, false);
            }

            Post(new SourceEvent(SourceEventKind.Query, item: (Action<Source>)(s => s.OnTimeoutDecided(ev, decision, reason))));
        });
    }

    private void OnTimeoutDecided(HookEvent ev, HookDecision decision, string reason)
    {
        _timeoutHookRunning = false;
        if (decision.FromScript && decision.Allow)
        {
            // The hook keeps the stream: the clock starts again.
            Log.TimeoutKept(_logger, Id, reason);
            _lastMediaAt = _noPlayersSince = Environment.TickCount64;
            return;
        }

        if (!_hasPublisher)
        {
            return;
        }

        Log.TimeoutClosed(_logger, Id, reason, decision.FromScript ? "its hook said no" : "no hook keeps it");
        Shutdown(ev == HookEvent.OnIdleTimeout ? "idle timeout: " + reason : "receive timeout: " + reason);
    }
}
