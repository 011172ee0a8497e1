namespace Lkm.Sdk.Streaming;

/// <summary>The host's stream engine as plugins see it: every protocol publishes into it and plays from it.</summary>
public interface IStreamHub
{
    /// <summary>
    /// Registers a publisher for <see cref="StreamRequest.StreamId"/> after hooks allowed it.
    /// Throws <see cref="StreamDeniedException"/> when refused (hook, duplicate publisher).
    /// </summary>
    ValueTask<IPublisher> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Attaches a player. The sink starts receiving segments (codec headers first, then media from a
    /// keyframe) once the stream has media; a player may come before the publisher and waits.
    /// Dispose the returned handle when the player leaves. Throws <see cref="StreamDeniedException"/>.
    /// </summary>
    ValueTask<IAsyncDisposable> PlayAsync(PlayRequest request, ISink sink, CancellationToken cancellationToken = default);
}
