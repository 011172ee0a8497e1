namespace Lkm.Host.Streaming;

/// <summary>Returned to the plugin by PlayAsync; disposing it detaches the player from its source.</summary>
internal sealed class PlayHandle : IAsyncDisposable
{
    private readonly SinkState _sink;
    private readonly Action<SinkState> _onGone;
    private int _disposed;

    /// <param name="onGone">Called once when the plugin disposes the handle (the hub posts the removal to the source).</param>
    public PlayHandle(SinkState sink, Action<SinkState> onGone)
    {
        _sink = sink;
        _onGone = onGone;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _onGone(_sink);
        }

        return ValueTask.CompletedTask;
    }
}
