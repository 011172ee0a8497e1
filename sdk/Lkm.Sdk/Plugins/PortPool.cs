namespace Lkm.Sdk.Plugins;

/// <summary>
/// A range of ports handed out round robin (the cursor moves on from the last port rented, so a port given back
/// is reused last: a late packet of a closed source does not land in a new one) and never to two holders. The
/// host's <see cref="IPortPool"/>; tests and tools can use it directly.
/// </summary>
public sealed class PortPool : IPortPool
{
    private readonly Lock _gate = new();
    private readonly HashSet<int> _rented = [];
    private int _next;

    /// <summary>A pool named <paramref name="name"/> over <paramref name="first"/>..<paramref name="last"/> (both included).</summary>
    public PortPool(string name, int first, int last)
    {
        Name = name;
        Resize(first, last);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int First { get; private set; }

    /// <inheritdoc/>
    public int Last { get; private set; }

    /// <inheritdoc/>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _rented.Count;
            }
        }
    }

    /// <summary>The ports rented now, in order.</summary>
    public IReadOnlyList<int> Rented
    {
        get
        {
            lock (_gate)
            {
                return [.. _rented.Order()];
            }
        }
    }

    /// <summary>A new range (a newer plugin version's config): ports rented outside it stay rented until given back.</summary>
    public void Resize(int first, int last)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        lock (_gate)
        {
            First = first;
            Last = last;
            if (_next < first || _next > last)
            {
                _next = first;
            }
        }
    }

    /// <inheritdoc/>
    public bool TryRent(out PortLease lease)
    {
        lock (_gate)
        {
            int size = Last - First + 1;
            for (int i = 0; i < size; i++)
            {
                int port = _next;
                _next = port == Last ? First : port + 1;
                if (_rented.Add(port))
                {
                    lease = new PortLease(port, Return);
                    return true;
                }
            }
        }

        lease = null!;
        return false;
    }

    /// <inheritdoc/>
    public bool TryRent(int port, out PortLease lease)
    {
        lock (_gate)
        {
            if (port >= First && port <= Last && _rented.Add(port))
            {
                lease = new PortLease(port, Return);
                return true;
            }
        }

        lease = null!;
        return false;
    }

    private void Return(int port)
    {
        lock (_gate)
        {
            _rented.Remove(port);
        }
    }
}
