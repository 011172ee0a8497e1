using Lkm.Host.Hooks;
using Lkm.Host.Routing;

namespace Lkm.Host.Streaming;

/// <summary>How the stream engine asks a stream's hooks; decisions are awaited, notifications are not.</summary>
public interface IStreamHooks
{
    /// <summary>Runs a deciding hook (on_publish, on_play, on_idle_timeout, on_receive_timeout). FromScript=false when no script defines it.</summary>
    Task<HookDecision> DecideAsync(StreamPolicy policy, HookEvent hookEvent, HookContext context, CancellationToken cancellationToken);

    /// <summary>Runs a notifying hook (on_started, on_publish_done, on_play_done, on_record) in the background.</summary>
    void Notify(StreamPolicy policy, HookEvent hookEvent, HookContext context);
}

/// <summary>No scripts at all: everything is allowed, timeouts close.</summary>
public sealed class NoStreamHooks : IStreamHooks
{
    public static readonly NoStreamHooks Instance = new();

    public Task<HookDecision> DecideAsync(StreamPolicy policy, HookEvent hookEvent, HookContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new HookDecision(true, null, false));

    public void Notify(StreamPolicy policy, HookEvent hookEvent, HookContext context)
    {
    }
}
