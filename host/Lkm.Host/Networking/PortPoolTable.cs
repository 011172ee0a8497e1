using System.Collections.Concurrent;
using Lkm.Sdk.Plugins;

namespace Lkm.Host.Networking;

/// <summary>Every plugin's port pools, by plugin and pool name: one pool per name for all versions of a plugin.</summary>
public sealed class PortPoolTable
{
    private readonly ConcurrentDictionary<(string Plugin, string Pool), PortPool> _pools = new();

    public PortPool GetOrCreate(string plugin, string pool, int first, int last)
    {
        var key = (plugin.ToLowerInvariant(), pool);
        if (_pools.TryGetValue(key, out var existing))
        {
            existing.Resize(first, last);
            return existing;
        }

        return _pools.GetOrAdd(key, _ => new PortPool(pool, first, last));
    }

    /// <summary>The pools of <paramref name="plugin"/>.</summary>
    public IReadOnlyList<PortPool> Of(string plugin) =>
        [.. _pools.Where(p => string.Equals(p.Key.Plugin, plugin, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).OrderBy(p => p.Name, StringComparer.Ordinal)];
}
