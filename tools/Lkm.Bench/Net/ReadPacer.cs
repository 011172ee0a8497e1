namespace Lkm.Bench.Net;

/// <summary>
/// One shared clock tick for every player's reads. A player that has started (has its first key frame)
/// waits for the next tick before reading again, so a server that sends every frame on its own wakes each
/// player once per interval instead of ~70 times a second. Its writes land in the socket buffer either way
/// (an interval of media is a few KiB), but on loopback the sender is charged for waking the receiver, so
/// pacing lowers the server's measured CPU as well: compare servers at the same interval only.
/// One timer and one task per tick for all players.
/// </summary>
public sealed class ReadPacer : IDisposable
{
    private readonly Timer _timer;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReadPacer(TimeSpan interval)
    {
        Interval = interval;
        _timer = new Timer(static state => ((ReadPacer)state!).Tick(), this, interval, interval);
    }

    public TimeSpan Interval { get; }

    /// <summary>Completes at the next tick.</summary>
    public Task NextTick => Volatile.Read(ref _next).Task;

    private void Tick() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Dispose()
    {
        _timer.Dispose();
        Tick(); // release anyone still waiting
    }
}
