namespace Lkm.Sdk.Plugins;

/// <summary>One port rented from an <see cref="IPortPool"/>: disposing it gives the port back (once, whatever the number of calls).</summary>
public sealed class PortLease : IDisposable
{
    private Action<int>? _release;

    /// <summary>A lease of <paramref name="port"/> that calls <paramref name="release"/> when disposed (pools make these).</summary>
    public PortLease(int port, Action<int> release)
    {
        Port = port;
        _release = release;
    }

    /// <summary>The rented port.</summary>
    public int Port { get; }

    /// <summary>Gives the port back to its pool.</summary>
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke(Port);
}
