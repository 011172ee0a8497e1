namespace Lkm.Host.Streaming;

/// <summary>Server-wide totals that outlive single streams (for /metrics). Thread-safe.</summary>
public sealed class EngineCounters
{
    private long _faultedPlayers;

    /// <summary>Players that ended on an error in their own code since the server started.</summary>
    public long FaultedPlayers => Interlocked.Read(ref _faultedPlayers);

    internal void PlayerFaulted() => Interlocked.Increment(ref _faultedPlayers);
}
