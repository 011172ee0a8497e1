using Lkm.Sdk.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Gb28181.Forwarding;

/// <summary>
/// The trans stream of cascade forwards: it makes nothing. A forward re-sends the device's own RTP packets, taken at the
/// source's receive loop (so the PS payload reaches the upper platform byte for byte); its sink is in the hub only so it
/// is listed, closed by <c>sink/close</c> and seen by <c>on_play</c>/<c>on_play_done</c> like any player.
/// </summary>
internal sealed class ForwardTransStreamFactory : ITransStreamFactory
{
    /// <summary>The trans protocol forward sinks name.</summary>
    public const string Name = "gb28181-forward";

    public string Protocol => Name;

    public ITransStream Create(TransStreamContext context) => new Nothing();

    private sealed class Nothing : ITransStream
    {
        public Segment Header { get; } = Segment.CopyOf([]);

        public int HeaderVersion => 0;

        public void Write(in MediaPacket packet, List<Segment> completed)
        {
        }

        public Segment? Flush() => null;

        public void OnTracksChanged(IReadOnlyList<MediaTrack> tracks, StreamMetadata metadata, List<Segment> completed)
        {
        }

        public void Dispose() => Header.Release();
    }
}
