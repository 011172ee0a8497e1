using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Flv.Tests.Support;

/// <summary>Collects what an ingest hands the hub: tracks (indexed as the hub would) and retained packets.</summary>
internal sealed class RecordingPublisher : IPublisher
{
    public string StreamId => "live/sample";

    public CancellationToken Closed => CancellationToken.None;

    public List<MediaTrack> Tracks { get; } = [];

    public List<MediaPacket> Packets { get; } = [];

    public StreamMetadata Metadata { get; private set; } = StreamMetadata.Empty;

    public bool Complete { get; private set; }

    public int AddTrack(MediaTrack track)
    {
        Tracks.Add(track with { Index = Tracks.Count });
        return Tracks.Count - 1;
    }

    public void UpdateTrack(MediaTrack track) => Tracks[track.Index] = track;

    public void TracksComplete() => Complete = true;

    public void SetMetadata(StreamMetadata metadata) => Metadata = metadata;

    public void Write(in MediaPacket packet)
    {
        packet.Retain();
        Packets.Add(packet);
    }

    public void AddBytesReceived(long count)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
