namespace Lkm.Host.Networking;

/// <summary>
/// Marks the code running for a session the host already counts on its plugin version (an accepted TCP connection, an
/// HTTP request): a publish made inside it is that session, not another one. Flows with the async calls of the handler.
/// </summary>
internal static class CountedSession
{
    private static readonly AsyncLocal<bool> Inside = new();

    /// <summary>True inside a connection or request handler the host counts.</summary>
    public static bool IsActive => Inside.Value;

    /// <summary>Marks the rest of the calling async flow (the caller's own callees; reverted when the caller returns).</summary>
    public static void Enter() => Inside.Value = true;
}
