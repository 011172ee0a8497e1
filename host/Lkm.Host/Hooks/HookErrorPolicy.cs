namespace Lkm.Host.Hooks;

/// <summary>What a deciding hook answers when its script throws, times out or returns something unusable.</summary>
public enum HookErrorPolicy
{
    Deny,
    Allow,
}
