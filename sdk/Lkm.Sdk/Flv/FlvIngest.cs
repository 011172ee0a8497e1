using System.Buffers;
using Lkm.Sdk.Media;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Flv;

/// <summary>
/// Turns FLV tag bodies (from RTMP messages or an FLV file) into tracks and packets for an
/// <see cref="IPublisher"/>. Malformed or unsupported bodies are dropped (logged once per kind), never thrown.
/// Not thread safe: one ingest session calls it.
/// </summary>
public sealed partial class FlvIngest
{
    private readonly IPublisher _publisher;
    private readonly ILogger _logger;
    private readonly FlvVideoIngest _videoIngest;
    private readonly FlvAudioIngest _audioIngest;

    // What onMetaData announced; when it announced nothing we wait for both kinds (or the probe window).
    private readonly PublisherTracks _tracks;
    private TimestampUnwrapper _clock;
    private FlvDropReason _loggedDrops;

    /// <summary>An ingest feeding <paramref name="publisher"/>. Without onMetaData it waits up to <paramref name="probeWindowMs"/> ms of media for both audio and video before calling <see cref="IPublisher.TracksComplete"/>.</summary>
    public FlvIngest(IPublisher publisher, ILogger logger, int probeWindowMs = 3000)
    {
        _publisher = publisher;
        _logger = logger;
        _tracks = new PublisherTracks(publisher, logger, probeWindowMs, waitForBothWhenUnannounced: true);
        _videoIngest = new FlvVideoIngest(this);
        _audioIngest = new FlvAudioIngest(this);
    }

    /// <summary>True once <see cref="IPublisher.TracksComplete"/> was called.</summary>
    public bool TracksCompleted => _tracks.Completed;

    /// <summary>Tags dropped as malformed or unsupported.</summary>
    public long DroppedTags { get; private set; }

    /// <summary>The current video track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? VideoTrack => _tracks.Video;

    /// <summary>The current audio track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? AudioTrack => _tracks.Audio;

    /// <summary>Remembers which tracks onMetaData announces and passes the metadata to the publisher.</summary>
    public void OnMetadata(StreamMetadata metadata)
    {
        bool video = Announces(metadata["videocodecid"]);
        bool audio = Announces(metadata["audiocodecid"]);
        if (metadata["hasVideo"] is bool hasVideo)
        {
            video = hasVideo;
        }

        if (metadata["hasAudio"] is bool hasAudio)
        {
            audio = hasAudio;
        }

        if (video || audio)
        {
            _tracks.Expect(video, audio);
        }

        _publisher.SetMetadata(metadata);
        if (_tracks.HasStarted)
        {
            _tracks.CheckComplete(_clock.Last);
        }
    }

    /// <summary>Handles a video tag body with its 32-bit millisecond timestamp. The body is copied as needed; the caller keeps ownership of its buffer. Malformed bodies are dropped.</summary>
    public void OnVideo(uint timestamp, in ReadOnlySequence<byte> body)
    {
        long dts = Start(timestamp);
        try
        {
            _videoIngest.Parse(dts, body);
        }
        catch (FormatException ex)
        {
            Drop(FlvDropReason.Malformed, ex.Message);
        }
    }

    /// <summary>Handles an audio tag body with its 32-bit millisecond timestamp. The body is copied as needed; the caller keeps ownership of its buffer. Malformed bodies are dropped.</summary>
    public void OnAudio(uint timestamp, in ReadOnlySequence<byte> body)
    {
        long dts = Start(timestamp);
        try
        {
            _audioIngest.Parse(dts, body);
        }
        catch (FormatException ex)
        {
            Drop(FlvDropReason.Malformed, ex.Message);
        }
    }

    private static bool Announces(object? codecId) => codecId switch
    {
        double number => number > 0,
        string text => text.Length > 0,
        bool flag => flag,
        _ => false,
    };

    private long Start(uint timestamp)
    {
        long dts = _clock.Unwrap(timestamp);
        _tracks.Started(dts);
        return dts;
    }

    /// <summary>Adds the video track, or updates it when <paramref name="track"/> differs from it.</summary>
    internal void SetVideoTrack(MediaTrack track, long dts) => _tracks.SetVideo(track, dts);

    /// <summary>Adds the audio track, or updates it when <paramref name="track"/> differs from it.</summary>
    internal void SetAudioTrack(MediaTrack track, long dts) => _tracks.SetAudio(track, dts);

    /// <summary>Hands a frame of a current track to the publisher, once the tracks are complete if they now are.</summary>
    internal void Write(in MediaPacket packet) => _tracks.Write(packet);

    /// <summary>Counts a dropped tag; logs the first drop of each kind.</summary>
    internal void Drop(FlvDropReason reason, string detail)
    {
        DroppedTags++;
        if ((_loggedDrops & reason) == 0)
        {
            _loggedDrops |= reason;
            Log.TagDropped(_logger, _publisher.StreamId, reason.ToString(), detail);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: dropping FLV tag ({Reason}: {Detail}); further drops of this kind are only counted")]
        public static partial void TagDropped(ILogger logger, string streamId, string reason, string detail);
    }
}
