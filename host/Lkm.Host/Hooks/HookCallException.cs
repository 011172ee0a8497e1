namespace Lkm.Host.Hooks;

/// <summary>Why a hook call failed.</summary>
internal enum HookFailureKind
{
    /// <summary>The script threw, or its Promise rejected.</summary>
    Thrown,

    /// <summary>Time limit, or the Promise did not settle within the async timeout.</summary>
    Timeout,

    /// <summary>Statement, memory or recursion limit.</summary>
    Limit,

    /// <summary>The script returned something that is not a decision.</summary>
    BadResult,

    /// <summary>No engine became free in time.</summary>
    Busy,

    /// <summary>Anything else (a bug on our side or in Jint).</summary>
    Internal,
}

/// <summary>A failed hook call, with the script location (<c>file:line:column</c>) when one is known.</summary>
internal sealed class HookCallException(HookFailureKind kind, string message, string? location, Exception? inner = null)
    : Exception(message, inner)
{
    public HookFailureKind Kind { get; } = kind;

    public string? Location { get; } = location;

    /// <summary>True when the engine may be in an odd state (interrupted mid-statement): drop it instead of pooling it.</summary>
    public bool DiscardsEngine { get; init; }
}
