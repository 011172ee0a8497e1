using System.Collections.Concurrent;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>
/// The trans stream factories in force, by egress protocol: the one a new player of the protocol gets. A newer
/// plugin version's factory replaces the older one here, while the muxers the older one made keep serving their
/// players (sources key their muxers by <see cref="TransStreamFactoryEntry"/>, not by protocol name).
/// </summary>
public sealed class TransStreamRegistry
{
    private readonly ConcurrentDictionary<string, TransStreamFactoryEntry> _factories = new(StringComparer.OrdinalIgnoreCase);

    public void Register(ITransStreamFactory factory, ITransStreamOwner? owner = null) =>
        _factories[factory.Protocol] = new TransStreamFactoryEntry(factory, owner);

    /// <summary>Removes <paramref name="factory"/> if it is still the one in force for its protocol.</summary>
    public void Unregister(ITransStreamFactory factory)
    {
        if (_factories.TryGetValue(factory.Protocol, out var entry) && ReferenceEquals(entry.Factory, factory))
        {
            _factories.TryRemove(new KeyValuePair<string, TransStreamFactoryEntry>(factory.Protocol, entry));
        }
    }

    public TransStreamFactoryEntry? Find(string protocol) => _factories.TryGetValue(protocol, out var f) ? f : null;

    public IReadOnlyCollection<string> Protocols => _factories.Keys.ToList();
}

/// <summary>One registration of a factory: compared by reference, so each plugin version's muxers are its own.</summary>
public sealed class TransStreamFactoryEntry(ITransStreamFactory factory, ITransStreamOwner? owner)
{
    public ITransStreamFactory Factory { get; } = factory;

    public ITransStreamOwner? Owner { get; } = owner;

    public string Protocol => Factory.Protocol;
}
