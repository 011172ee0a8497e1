namespace Lkm.Host.Networking;

/// <summary>
/// Who a host-owned listener serves now: one loaded version of a plugin. The listener counts the sessions it
/// hands over on the owner, so the host knows when an old version has none left.
/// </summary>
public interface IListenerOwner
{
    /// <summary>The plugin's name (a listener is handed over only between versions of the same plugin).</summary>
    string PluginName { get; }

    /// <summary>A connection was handed to this owner's handler.</summary>
    void SessionStarted();

    /// <summary>That connection's handler returned.</summary>
    void SessionEnded();
}
