namespace Lkm.Host.Hooks;

/// <summary>
/// A hook's answer. <paramref name="FromScript"/> is false when the script does not define the event, so the
/// route's default applies (then <paramref name="Allow"/> is true). For notifying events Allow is always true.
/// </summary>
public readonly record struct HookDecision(bool Allow, string? Reason, bool FromScript);
