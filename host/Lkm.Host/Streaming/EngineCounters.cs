namespace Lkm.Host.Streaming;

/// <summary>Server-wide totals that outlive single streams (for /metrics). Thread-safe.</summary>
public sealed class EngineCounters
{
    private long _publishesAccepted;
    private long _playsAccepted;
    private long _faultedPlayers;

    /// <summary>Publishers the hub accepted since the server started.</summary>
    public long PublishesAccepted => Interlocked.Read(ref _publishesAccepted);

    /// <summary>Players the hub accepted (attached or left waiting) since the server started.</summary>
    public long PlaysAccepted => Interlocked.Read(ref _playsAccepted);

    /// <summary>Players that ended on an error in their own code since the server started.</summary>
    public long FaultedPlayers => Interlocked.Read(ref _faultedPlayers);

    internal void PublishAccepted() => Interlocked.Increment(ref _publishesAccepted);

    internal void PlayAccepted() => Interlocked.Increment(ref _playsAccepted);

    internal void PlayerFaulted() => Interlocked.Increment(ref _faultedPlayers);
}
