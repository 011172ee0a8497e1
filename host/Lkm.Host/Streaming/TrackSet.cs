using Lkm.Sdk.Media;

namespace Lkm.Host.Streaming;

/// <summary>
/// The tracks of a stream: those the current publisher declared, and the stream's own (what players
/// see), which stay the same across a publisher that resumes with the same codecs. Maps publisher
/// track indexes to stream track indexes. Owned by the source's event loop.
/// </summary>
internal sealed class TrackSet
{
    private readonly List<MediaTrack> _publisherTracks = [];
    private List<MediaTrack> _tracks = [];
    private int[] _map = [];

    /// <summary>The stream's tracks as players see them. Replaced, never mutated, so snapshots may keep it.</summary>
    public IReadOnlyList<MediaTrack> Tracks => _tracks;

    public IReadOnlyList<MediaTrack> PublisherTracks => _publisherTracks;

    public StreamMetadata Metadata { get; set; } = StreamMetadata.Empty;

    public bool HasVideo { get; private set; }

    public bool IsEmpty => _tracks.Count == 0;

    /// <summary>A new publisher: its tracks are announced from scratch.</summary>
    public void BeginPublisher() => _publisherTracks.Clear();

    /// <summary>The stream ended for good: a later publisher starts a new track set.</summary>
    public void Clear() => SetTracks([]);

    public bool IsVideo(int streamTrack) => _tracks[streamTrack].MediaType == MediaType.Video;

    /// <summary>The stream track of a publisher track, or -1 when it has none.</summary>
    public int StreamIndexOf(int publisherTrack) => (uint)publisherTrack < (uint)_map.Length ? _map[publisherTrack] : -1;

    /// <summary>Records a publisher track. Once live, it joins the stream as a late track, which is returned.</summary>
    public MediaTrack? AddPublisherTrack(MediaTrack track, bool live)
    {
        _publisherTracks.Add(track);
        if (!live)
        {
            return null;
        }

        // A late track (e.g. audio starting seconds after video): the stream grows by one track.
        var added = track with { Index = _tracks.Count };
        SetTracks([.. _tracks, added]);
        Array.Resize(ref _map, Math.Max(_map.Length, track.Index + 1));
        _map[track.Index] = added.Index;
        return added;
    }

    /// <summary>A publisher track's codec config changed; true when a live stream track changed with it.</summary>
    public bool UpdatePublisherTrack(MediaTrack track, bool live)
    {
        int i = _publisherTracks.FindIndex(t => t.Index == track.Index);
        if (i < 0)
        {
            return false;
        }

        _publisherTracks[i] = track;
        int streamIndex = StreamIndexOf(track.Index);
        if (!live || streamIndex < 0)
        {
            return false;
        }

        List<MediaTrack> tracks = [.. _tracks];
        tracks[streamIndex] = track with { Index = streamIndex };
        SetTracks(tracks);
        return true;
    }

    /// <summary>
    /// Continues the stream with the new publisher's tracks when they match the stream's by codec and
    /// media type. Returns null when they cannot continue, else whether any codec config changed.
    /// </summary>
    public bool? TryResume()
    {
        var map = _tracks.Count > 0 ? MapForResume(_tracks, _publisherTracks) : null;
        if (map is null)
        {
            return null;
        }

        _map = map;
        var tracks = _tracks.ToList();
        foreach (var t in _publisherTracks)
        {
            tracks[map[t.Index]] = t with { Index = map[t.Index] };
        }

        bool changed = !tracks.SequenceEqual(_tracks, TrackConfigComparer.Instance);
        SetTracks(tracks);
        return changed;
    }

    /// <summary>Starts the stream's track set afresh from the publisher's.</summary>
    public void StartFromPublisher()
    {
        SetTracks(_publisherTracks.Select((t, i) => t with { Index = i }).ToList());
        _map = new int[_publisherTracks.Max(t => t.Index) + 1];
        for (int i = 0; i < _publisherTracks.Count; i++)
        {
            _map[_publisherTracks[i].Index] = i;
        }
    }

    public override string ToString() => string.Join(", ", _tracks);

    private void SetTracks(List<MediaTrack> tracks)
    {
        _tracks = tracks;
        HasVideo = tracks.Any(t => t.MediaType == MediaType.Video);
    }

    /// <summary>Maps the new publisher's tracks onto the stream's by media type, or null when they cannot continue.</summary>
    private static int[]? MapForResume(List<MediaTrack> current, List<MediaTrack> incoming)
    {
        if (current.Count != incoming.Count)
        {
            return null;
        }

        var map = new int[incoming.Max(t => t.Index) + 1];
        var used = new bool[current.Count];
        foreach (var t in incoming)
        {
            int match = current.FindIndex(c => !used[c.Index] && c.IsCompatibleWith(t));
            if (match < 0)
            {
                return null;
            }

            used[match] = true;
            map[t.Index] = match;
        }

        return map;
    }

    private sealed class TrackConfigComparer : IEqualityComparer<MediaTrack>
    {
        public static readonly TrackConfigComparer Instance = new();

        public bool Equals(MediaTrack? x, MediaTrack? y) =>
            x is not null && y is not null && x.Codec == y.Codec && x.CodecConfig.Span.SequenceEqual(y.CodecConfig.Span);

        public int GetHashCode(MediaTrack obj) => obj.Codec.GetHashCode();
    }
}
