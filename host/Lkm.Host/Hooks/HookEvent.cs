namespace Lkm.Host.Hooks;

/// <summary>A stream lifetime event a hook script can handle; the script names are <c>on_started</c>, <c>on_publish</c>, ...</summary>
public enum HookEvent
{
    OnStarted,
    OnPublish,
    OnPublishDone,
    OnPlay,
    OnPlayDone,
    OnRecord,
    OnIdleTimeout,
    OnReceiveTimeout,
}

/// <summary>Names and kinds of <see cref="HookEvent"/>.</summary>
public static class HookEvents
{
    /// <summary>Number of events (size of per-event tables).</summary>
    public const int Count = 8;

    private static readonly string[] Names =
    [
        "on_started", "on_publish", "on_publish_done", "on_play", "on_play_done", "on_record", "on_idle_timeout", "on_receive_timeout",
    ];

    /// <summary>The global function name a script defines for the event, e.g. <c>on_publish</c>.</summary>
    public static string ScriptName(this HookEvent hookEvent) => Names[(int)hookEvent];

    /// <summary>True for events whose answer matters: publish, play and the two timeouts (true keeps the source).</summary>
    public static bool IsDeciding(this HookEvent hookEvent) =>
        hookEvent is HookEvent.OnPublish or HookEvent.OnPlay or HookEvent.OnIdleTimeout or HookEvent.OnReceiveTimeout;
}
