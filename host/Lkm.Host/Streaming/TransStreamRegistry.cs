using System.Collections.Concurrent;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>Trans stream factories registered by plugins, by egress protocol.</summary>
public sealed class TransStreamRegistry
{
    private readonly ConcurrentDictionary<string, ITransStreamFactory> _factories = new(StringComparer.OrdinalIgnoreCase);

    public void Register(ITransStreamFactory factory) => _factories[factory.Protocol] = factory;

    public void Unregister(ITransStreamFactory factory) => _factories.TryRemove(new KeyValuePair<string, ITransStreamFactory>(factory.Protocol, factory));

    public ITransStreamFactory? Find(string protocol) => _factories.TryGetValue(protocol, out var f) ? f : null;

    public IReadOnlyCollection<string> Protocols => _factories.Keys.ToList();
}
