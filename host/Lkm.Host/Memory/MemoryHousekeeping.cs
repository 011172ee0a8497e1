using Microsoft.Extensions.Logging;

namespace Lkm.Host.Memory;

/// <summary>
/// Keeps the server's resident memory near what it actually uses: a small young-generation budget
/// (<see cref="YoungGenerationBudget"/>) checked several times a second, and the native heap trimmed
/// every few seconds (<see cref="NativeHeap"/>).
/// </summary>
internal sealed partial class MemoryHousekeeping : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private const int TicksPerTrim = 20;

    private readonly YoungGenerationBudget? _young;
    private readonly Timer _timer;
    private int _ticks;
    private int _running;

    /// <param name="youngBudgetBytes">Bytes allocated between young collections (a few seconds of a busy server's garbage); 0 = the runtime's own budget.</param>
    public MemoryHousekeeping(long youngBudgetBytes, ILogger logger)
    {
        _young = youngBudgetBytes > 0 ? new YoungGenerationBudget(youngBudgetBytes) : null;
        if (_young is null)
        {
            Log.RuntimeBudget(logger);
        }
        else
        {
            Log.Started(logger, youngBudgetBytes / 1024);
        }

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

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "memory: young generations collected every {BudgetKb} KiB of allocation, native heap trimmed every 5 s")]
        public static partial void Started(ILogger logger, long budgetKb);

        [LoggerMessage(2, LogLevel.Information, "memory: the runtime's own young-generation budget (server.gc_young_budget: 0); on machines with a large CPU cache it can hold tens of MiB")]
        public static partial void RuntimeBudget(ILogger logger);
    }
}
