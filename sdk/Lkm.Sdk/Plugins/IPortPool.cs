namespace Lkm.Sdk.Plugins;

/// <summary>
/// A range of ports the host hands out one at a time (<see cref="IPluginContext.CreatePortPool"/>), e.g. one UDP port
/// per GB28181 source from <c>ports: 50000-60000</c>: round robin, so a port just given back is the last to be
/// reused, and never the same port to two holders. Kept by the host across plugin versions, so a source started
/// on an older version keeps its port while a newer version rents others. Listed in the API.
/// </summary>
public interface IPortPool
{
    /// <summary>The pool's name within the plugin (e.g. <c>rtp</c>).</summary>
    string Name { get; }

    /// <summary>First port of the range.</summary>
    int First { get; }

    /// <summary>Last port of the range (included).</summary>
    int Last { get; }

    /// <summary>Ports rented now.</summary>
    int InUse { get; }

    /// <summary>Rents the next free port after the last one rented; false when every port is rented.</summary>
    bool TryRent(out PortLease lease);

    /// <summary>Rents <paramref name="port"/> itself (e.g. one a caller asked for); false when it is rented or outside the range.</summary>
    bool TryRent(int port, out PortLease lease);
}
