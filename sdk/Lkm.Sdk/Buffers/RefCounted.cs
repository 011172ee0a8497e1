namespace Lkm.Sdk.Buffers;

/// <summary>
/// Base for pooled objects shared by several owners (GOP cache, trans streams, player queues).
/// Starts with one reference held by the creator; the last <see cref="Release"/> frees it.
/// </summary>
public abstract class RefCounted
{
    private int _refs = 1;

    /// <summary>References held now (for tests and diagnostics; another thread may change it at once).</summary>
    public int RefCount => Volatile.Read(ref _refs);

    /// <summary>Takes one more reference; thread safe. Throws <see cref="InvalidOperationException"/> when the object was already freed.</summary>
    public void Retain()
    {
        if (Interlocked.Increment(ref _refs) <= 1)
        {
            throw new InvalidOperationException($"{GetType().Name} retained after it was freed.");
        }
    }

    /// <summary>Gives back one reference; thread safe. The last one frees the object, after which it must not be touched. Throws <see cref="InvalidOperationException"/> when released more often than retained.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _refs);
        if (left == 0)
        {
            Free();
        }
        else if (left < 0)
        {
            throw new InvalidOperationException($"{GetType().Name} released more often than retained.");
        }
    }

    /// <summary>Returns the resources to their pool; called once, by the last release.</summary>
    protected abstract void Free();
}
