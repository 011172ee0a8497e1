using Lkm.Sdk.Media;

namespace Lkm.Sdk.Flv;

/// <summary>The FLV tag body of one track's codec sequence header (see <see cref="FlvTagBody.SequenceHeader"/>).</summary>
public readonly record struct FlvSequenceHeader(MediaTrack Track, ReadOnlyMemory<byte> Body)
{
    /// <summary>The tag (or RTMP message) type the body goes in: video or audio.</summary>
    public FlvTagType TagType => Track.MediaType == MediaType.Video ? FlvTagType.Video : FlvTagType.Audio;
}
