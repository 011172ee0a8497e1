namespace Lkm.DeviceSim.Media;

/// <summary>
/// Where a simulated device's media comes from: ffmpeg (<see cref="FfmpegMediaFeed"/>) or memory
/// (<see cref="MemoryMediaFeed"/>, for tests). One call of <see cref="ReadAsync"/> is one pass over the media in
/// decoding order; a looping device calls it again (and shifts the time stamps itself).
/// </summary>
public abstract class MediaFeed : IAsyncDisposable
{
    /// <summary>The tracks' stream types; known at the latest when <see cref="ReadAsync"/> hands over its first unit.</summary>
    public abstract MediaFormat Format { get; }

    /// <summary>One pass over the media, units in DTS order (audio and video interleaved).</summary>
    public abstract IAsyncEnumerable<MediaUnit> ReadAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return default;
    }
}

/// <summary>A feed of units held in memory: unit tests of the muxing and sending path need no ffmpeg.</summary>
public sealed class MemoryMediaFeed(MediaFormat format, IReadOnlyList<MediaUnit> units) : MediaFeed
{
    /// <summary>The units, in DTS order.</summary>
    public IReadOnlyList<MediaUnit> Units { get; } = units;

    /// <inheritdoc/>
    public override MediaFormat Format { get; } = format;

    /// <inheritdoc/>
    public override async IAsyncEnumerable<MediaUnit> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var unit in Units)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return unit;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
