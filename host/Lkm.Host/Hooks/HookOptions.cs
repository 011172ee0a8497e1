namespace Lkm.Host.Hooks;

/// <summary>Per-call sandbox limits and error policy (normally from the stream's route).</summary>
public sealed class HookOptions
{
    /// <summary>Shared instance with every default; never mutated.</summary>
    public static readonly HookOptions Default = new();

    /// <summary>Time a script may run JavaScript per call (waiting for an HTTP promise does not count; see <see cref="AsyncTimeout"/>).</summary>
    public TimeSpan Timeout { get; init; } = Configuration.ConfigKeys.Hooks.Timeout.Default;

    /// <summary>What a deciding hook answers when the script fails.</summary>
    public HookErrorPolicy OnError { get; init; } = Configuration.ConfigKeys.Hooks.OnError.Default;

    /// <summary>Statements per call; 0 or less = unlimited.</summary>
    public int MaxStatements { get; init; } = 1_000_000;

    /// <summary>Bytes the script may allocate per call; 0 or less = unlimited.</summary>
    public long MemoryLimitBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Call depth; a negative value = unlimited.</summary>
    public int MaxRecursion { get; init; } = 256;

    /// <summary>Default timeout of <c>http.get/post/postJson</c> when the script passes no <c>timeout</c> (ms) option.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Wall-clock bound for a call whose result is a Promise (an <c>async</c> hook awaiting HTTP): past it the call
    /// fails as a timeout. Also bounds the wait for a free engine when <see cref="MaxEngines"/> are all busy.
    /// </summary>
    public TimeSpan AsyncTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Engines that may run one script at the same time (each concurrent or awaiting call holds one).</summary>
    public int MaxEngines { get; init; } = 64;
}
