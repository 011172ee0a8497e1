using System.Net;

namespace Lkm.Host.Networking;

/// <summary>
/// Every port the host listens on for plugins, by transport and end point: where a new version of a plugin finds
/// the sockets of the version it replaces and takes them over instead of binding again.
/// </summary>
public sealed class ListenerTable
{
    private readonly Dictionary<string, IPluginListener> _listeners = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IPluginListener? Find(string transport, IPEndPoint endPoint)
    {
        lock (_gate)
        {
            return _listeners.GetValueOrDefault(Key(transport, endPoint));
        }
    }

    /// <summary>Records a listener bound at <paramref name="requested"/> (port 0 is recorded under the port it got too).</summary>
    public void Add(IPEndPoint requested, IPluginListener listener)
    {
        lock (_gate)
        {
            _listeners[Key(listener.Transport, requested)] = listener;
            _listeners[Key(listener.Transport, listener.EndPoint)] = listener;
        }
    }

    public void Remove(IPluginListener listener)
    {
        lock (_gate)
        {
            foreach (var key in _listeners.Where(p => ReferenceEquals(p.Value, listener)).Select(p => p.Key).ToList())
            {
                _listeners.Remove(key);
            }
        }
    }

    private static string Key(string transport, IPEndPoint endPoint) => $"{transport}/{endPoint}";
}
