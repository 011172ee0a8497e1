using Lkm.Sdk.Media;

namespace Lkm.Host.Streaming;

internal enum SourceEventKind
{
    Packet,
    TrackAdded,
    TrackUpdated,
    TracksComplete,
    Metadata,
    PublisherAttached,
    PublisherAuthorized,
    PublisherGone,
    SinkAdded,
    SinkRemoved,
    Tick,
    Invoke,
    Close,
}

/// <summary>
/// One thing for a source's event loop to do. A struct, so the per-packet path allocates nothing;
/// <see cref="Generation"/> tells events of a replaced publisher apart.
/// </summary>
internal readonly struct SourceEvent
{
    public SourceEvent(SourceEventKind kind, long generation = 0, object? item = null, MediaPacket packet = default)
    {
        Kind = kind;
        Generation = generation;
        Item = item;
        Packet = packet;
    }

    public SourceEventKind Kind { get; }

    public long Generation { get; }

    public object? Item { get; }

    public MediaPacket Packet { get; }
}
