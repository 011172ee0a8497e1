namespace Lkm.Host.Memory;

/// <summary>
/// Keeps the server's resident memory near what it actually uses: a small young-generation budget
/// (<see cref="YoungGenerationBudget"/>) checked several times a second, and the native heap trimmed
/// every few seconds (<see cref="NativeHeap"/>).
/// </summary>
internal sealed class MemoryHousekeeping : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private const int TicksPerTrim = 20;

    private readonly YoungGenerationBudget? _young;
    private readonly Timer _timer;
    private int _ticks;
    private int _running;

    /// <param name="youngBudgetBytes">Bytes allocated between young collections (a few seconds of a busy server's garbage); 0 = the runtime's own budget.</param>
    public MemoryHousekeeping(long youngBudgetBytes)
    {
        _young = youngBudgetBytes > 0 ? new YoungGenerationBudget(youngBudgetBytes) : null;
        _timer = new Timer(_ => OnTick(), null, Tick, Tick);
    }

    private void OnTick()
    {
        // Timer callbacks overlap when the thread pool is late; one tick at a time.
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            _young?.CollectIfSpent();
            if (++_ticks % TicksPerTrim == 0)
            {
                NativeHeap.Trim();
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
