using System.Net;

namespace Lkm.Sdk.Plugins;

/// <summary>
/// A UDP port the host listens on for a plugin (<see cref="IPluginContext.ListenUdp"/>). The host owns the socket,
/// so a new version of the plugin takes the port over without a rebind; disposing it stops the plugin's receiving
/// (and closes the port unless a newer version of the plugin holds it).
/// </summary>
public interface IUdpListener : IAsyncDisposable
{
    /// <summary>The bound end point (with the real port when port 0 was asked for).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends <paramref name="datagram"/> from the listener's port to <paramref name="remote"/> (e.g. an RTCP report, a reply to the sender).</summary>
    ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken);
}
