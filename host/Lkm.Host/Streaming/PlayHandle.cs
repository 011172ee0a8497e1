namespace Lkm.Host.Streaming;

/// <summary>Returned to the plugin by PlayAsync; disposing it detaches the player from its source.</summary>
internal sealed class PlayHandle : IAsyncDisposable
{
    private readonly Source _source;
    private readonly SinkState _sink;
    private int _disposed;

    public PlayHandle(Source source, SinkState sink)
    {
        _source = source;
        _sink = sink;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _source.Post(new SourceEvent(SourceEventKind.SinkRemoved, item: _sink));
            _source.Hub.OnPlayerGone(_source, _sink);
        }

        return ValueTask.CompletedTask;
    }
}
