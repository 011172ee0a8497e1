namespace Lkm.Host.Memory;

/// <summary>
/// Keeps the server's resident memory near what it actually uses: a small young-generation budget
/// (<see cref="YoungGenerationBudget"/>) checked several times a second, and the native heap trimmed
/// every few seconds (<see cref="NativeHeap"/>).
/// </summary>
internal sealed class MemoryHousekeeping : IDisposable
{
    /// <summary>Bytes allocated between young collections: a few seconds of a busy server's garbage.</summary>
    public const long YoungBudgetBytes = 4 << 20;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private const int TicksPerTrim = 20;

    private readonly YoungGenerationBudget _young = new(YoungBudgetBytes);
    private readonly Timer _timer;
    private int _ticks;

    public MemoryHousekeeping()
    {
        _timer = new Timer(_ => OnTick(), null, Tick, Tick);
    }

    private void OnTick()
    {
        _young.CollectIfSpent();
        if (++_ticks % TicksPerTrim == 0)
        {
            NativeHeap.Trim();
        }
    }

    public void Dispose() => _timer.Dispose();
}
