namespace Lkm.Host.Routing;

/// <summary>The route table in force; a config reload swaps in a new one, which applies to the next decision.</summary>
public sealed class LiveRoutes
{
    private volatile RouteTable _current;

    public LiveRoutes(RouteTable initial)
    {
        _current = initial;
    }

    public RouteTable Current => _current;

    public int Version { get; private set; }

    public void Swap(RouteTable table)
    {
        _current = table;
        Version++;
    }

    public StreamPolicy Resolve(string streamId) => _current.Resolve(streamId);
}
