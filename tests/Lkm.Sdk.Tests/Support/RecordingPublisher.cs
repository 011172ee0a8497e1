using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Sdk.Tests.Support;

/// <summary>An <see cref="IPublisher"/> that records everything it is handed, keeping packets alive with its own reference.</summary>
internal sealed class RecordingPublisher : IPublisher
{
    public List<MediaTrack> Tracks { get; } = [];

    public List<MediaTrack> Updates { get; } = [];

    public List<MediaPacket> Packets { get; } = [];

    public List<StreamMetadata> Metadata { get; } = [];

    public int TracksCompleteCalls { get; private set; }

    /// <summary>Number of packets written before TracksComplete was called.</summary>
    public int PacketsBeforeComplete { get; private set; }

    public string StreamId => "live/test";

    public CancellationToken Closed => CancellationToken.None;

    public int AddTrack(MediaTrack track)
    {
        int index = Tracks.Count;
        Tracks.Add(track with { Index = index });
        return index;
    }

    public void UpdateTrack(MediaTrack track)
    {
        Updates.Add(track);
        Tracks[track.Index] = track;
    }

    public void TracksComplete()
    {
        TracksCompleteCalls++;
        PacketsBeforeComplete = Packets.Count;
    }

    public void SetMetadata(StreamMetadata metadata) => Metadata.Add(metadata);

    public void Write(in MediaPacket packet)
    {
        Assert.True(packet.Buffer.RefCount >= 1, "packet handed over without a live buffer");
        packet.Retain();
        Packets.Add(packet);
    }

    public void AddBytesReceived(long count)
    {
    }

    public IEnumerable<MediaPacket> PacketsOf(int trackIndex) => Packets.Where(p => p.TrackIndex == trackIndex);

    /// <summary>Asserts the writer released its own reference (only ours is left), then releases ours.</summary>
    public void AssertWriterReleasedAndRelease()
    {
        foreach (var packet in Packets)
        {
            Assert.Equal(1, packet.Buffer.RefCount);
            packet.Release();
        }

        Packets.Clear();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
