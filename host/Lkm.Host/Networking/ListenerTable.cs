using System.Net;

namespace Lkm.Host.Networking;

/// <summary>
/// Every port the host listens on for plugins, by transport and end point: where a new version of a plugin finds
/// the sockets of the version it replaces and takes them over instead of binding again.
/// </summary>
public sealed class ListenerTable
{
    private readonly Dictionary<string, TcpListenerService> _tcp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UdpListenerService> _udp = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TcpListenerService? FindTcp(IPEndPoint endPoint)
    {
        lock (_gate)
        {
            return _tcp.GetValueOrDefault(Key(endPoint));
        }
    }

    public UdpListenerService? FindUdp(IPEndPoint endPoint)
    {
        lock (_gate)
        {
            return _udp.GetValueOrDefault(Key(endPoint));
        }
    }

    /// <summary>Records a listener bound at <paramref name="requested"/> (port 0 is recorded under the port it got).</summary>
    public void Add(IPEndPoint requested, TcpListenerService listener)
    {
        lock (_gate)
        {
            _tcp[Key(requested)] = listener;
            _tcp[Key(listener.EndPoint)] = listener;
        }
    }

    public void Add(IPEndPoint requested, UdpListenerService listener)
    {
        lock (_gate)
        {
            _udp[Key(requested)] = listener;
            _udp[Key(listener.EndPoint)] = listener;
        }
    }

    public void Remove(TcpListenerService listener)
    {
        lock (_gate)
        {
            foreach (var key in _tcp.Where(p => ReferenceEquals(p.Value, listener)).Select(p => p.Key).ToList())
            {
                _tcp.Remove(key);
            }
        }
    }

    public void Remove(UdpListenerService listener)
    {
        lock (_gate)
        {
            foreach (var key in _udp.Where(p => ReferenceEquals(p.Value, listener)).Select(p => p.Key).ToList())
            {
                _udp.Remove(key);
            }
        }
    }

    private static string Key(IPEndPoint endPoint) => endPoint.ToString();
}
