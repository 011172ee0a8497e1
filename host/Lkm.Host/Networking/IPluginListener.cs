using System.Net;

namespace Lkm.Host.Networking;

/// <summary>A port the host listens on for a plugin (TCP or UDP), whose handler a newer version of the plugin can take over.</summary>
public interface IPluginListener : IAsyncDisposable
{
    /// <summary>The name the plugin gave it (e.g. <c>rtmp</c>).</summary>
    string Name { get; }

    /// <summary><c>tcp</c> or <c>udp</c>.</summary>
    string Transport { get; }

    /// <summary>The bound end point.</summary>
    IPEndPoint EndPoint { get; }

    /// <summary>The plugin version whose handler serves the port now.</summary>
    IListenerOwner? Owner { get; }
}
