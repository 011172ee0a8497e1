using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>What a source knows about one of its players. Owned by the source's event loop.</summary>
internal sealed class SinkState
{
    public SinkState(ISink sink, PlayRequest request)
    {
        Sink = sink;
        Request = request;
        JoinedAt = DateTime.UtcNow;
    }

    public ISink Sink { get; }

    public PlayRequest Request { get; }

    public DateTime JoinedAt { get; }

    /// <summary>The trans stream it reads from; null while the stream is not live.</summary>
    public TransStreamState? Trans { get; set; }

    /// <summary>Keyframe first: nothing but codec headers until a segment that starts with a keyframe.</summary>
    public bool AwaitingKeyFrame { get; set; } = true;

    /// <summary>Since when it waits for a stream that has not started; null once attached.</summary>
    public DateTime? WaitingSince { get; set; }

    public bool Removed { get; set; }
}
