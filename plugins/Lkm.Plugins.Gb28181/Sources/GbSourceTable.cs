using System.Collections.Concurrent;

namespace Lkm.Plugins.Gb28181.Sources;

/// <summary>
/// The plugin's live sources by stream id, and, for the shared port (single-port mode), by SSRC per transport. Lookups
/// by SSRC are lock-free (the shared port's receive loop makes one per datagram); changes take a lock so the id and
/// SSRC entries of a source come and go together.
/// </summary>
internal sealed class GbSourceTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GbSource> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, GbSource> _udpBySsrc = new();
    private readonly ConcurrentDictionary<uint, GbSource> _tcpBySsrc = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public IReadOnlyList<GbSource> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _byId.Values];
            }
        }
    }

    public GbSource? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>The shared port's source for <paramref name="ssrc"/> over UDP (<paramref name="tcp"/> false) or TCP.</summary>
    public GbSource? FindBySsrc(uint ssrc, bool tcp) => (tcp ? _tcpBySsrc : _udpBySsrc).GetValueOrDefault(ssrc);

    /// <summary>Checks a new source can be added: its id unused and, when <paramref name="bySsrc"/>, its SSRC unused on its transport. Null when it can, else the error.</summary>
    public string? CheckFree(string id, uint ssrc, bool tcp, bool bySsrc)
    {
        lock (_gate)
        {
            if (_byId.ContainsKey(id))
            {
                return $"{id} 源已经存在";
            }

            return bySsrc && (tcp ? _tcpBySsrc : _udpBySsrc).ContainsKey(ssrc) ? "ssrc conflict" : null;
        }
    }

    /// <summary>Adds <paramref name="source"/>; false (nothing added) when its id, or its SSRC on the shared port, is taken.</summary>
    public bool TryAdd(GbSource source, bool bySsrc)
    {
        lock (_gate)
        {
            bool tcp = source.Setup != GbSetup.Udp;
            if (CheckFree(source.Id, source.Ssrc, tcp, bySsrc) is not null)
            {
                return false;
            }

            _byId.Add(source.Id, source);
            if (bySsrc)
            {
                (tcp ? _tcpBySsrc : _udpBySsrc)[source.Ssrc] = source;
            }

            return true;
        }
    }

    public void Remove(GbSource source)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(source.Id, out var held) && ReferenceEquals(held, source))
            {
                _byId.Remove(source.Id);
            }

            var bySsrc = source.Setup == GbSetup.Udp ? _udpBySsrc : _tcpBySsrc;
            bySsrc.TryRemove(new KeyValuePair<uint, GbSource>(source.Ssrc, source));
        }
    }
}
