namespace Lkm.Host.Memory;

/// <summary>
/// Collects the young generations once a fixed number of bytes has been allocated since the last
/// collection, whatever budget the GC picked for itself.
/// </summary>
/// <remarks>
/// The GC sizes its gen0 budget from the L3 cache it sees; virtual machines often report a huge one
/// (300 MiB on the development machine), so gen0 grows by tens of MiB of touched, resident pages
/// before its first collection. A media server allocates little and keeps less, so a small budget
/// costs a cheap collection every few seconds and saves that memory. The runtime takes this limit
/// only as an environment variable (DOTNET_GCgen0size), which a server should not depend on.
/// Generation 1 is collected with gen0 so startup leftovers promoted by these collections do not
/// sit in gen1 waiting for its own, equally large, budget.
/// </remarks>
internal sealed class YoungGenerationBudget
{
    private readonly long _budget;
    private long _allocatedAtLastCollection;
    private int _lastCollectionCount;

    public YoungGenerationBudget(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        _budget = budgetBytes;
        _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        _lastCollectionCount = GC.CollectionCount(0);
    }

    /// <summary>Collections this budget has forced so far.</summary>
    public int Collections { get; private set; }

    /// <summary>Collects gen0 and gen1 when the budget is spent; true when it did.</summary>
    public bool CollectIfSpent()
    {
        var count = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes();
        if (count != _lastCollectionCount)
        {
            // The GC ran on its own: count from there.
            _lastCollectionCount = count;
            _allocatedAtLastCollection = allocated;
            return false;
        }

        if (allocated - _allocatedAtLastCollection < _budget)
        {
            return false;
        }

        GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: true);
        Collections++;
        _lastCollectionCount = GC.CollectionCount(0);
        _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        return true;
    }
}
