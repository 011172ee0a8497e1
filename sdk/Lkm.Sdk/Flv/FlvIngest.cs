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
    private readonly int _probeWindowMs;
    private readonly FlvVideoIngest _videoIngest;
    private readonly FlvAudioIngest _audioIngest;
    private TimestampUnwrapper _clock;
    private long _firstTimestamp;
    private bool _mediaStarted;

    private MediaTrack? _video;
    private MediaTrack? _audio;

    // What onMetaData announced; when it announced nothing we wait for both kinds (or the probe window).
    private bool _metadataKnown;
    private bool _expectVideo;
    private bool _expectAudio;

    private FlvDropReason _loggedDrops;

    /// <summary>An ingest feeding <paramref name="publisher"/>. Without onMetaData it waits up to <paramref name="probeWindowMs"/> ms of media for both audio and video before calling <see cref="IPublisher.TracksComplete"/>.</summary>
    public FlvIngest(IPublisher publisher, ILogger logger, int probeWindowMs = 3000)
    {
        _publisher = publisher;
        _logger = logger;
        _probeWindowMs = Math.Max(0, probeWindowMs);
        _videoIngest = new FlvVideoIngest(this);
        _audioIngest = new FlvAudioIngest(this);
    }

    /// <summary>True once <see cref="IPublisher.TracksComplete"/> was called.</summary>
    public bool TracksCompleted { get; private set; }

    /// <summary>Tags dropped as malformed or unsupported.</summary>
    public long DroppedTags { get; private set; }

    /// <summary>The current video track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? VideoTrack => _video;

    /// <summary>The current audio track (with the index the publisher gave it), or null.</summary>
    public MediaTrack? AudioTrack => _audio;

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
            _metadataKnown = true;
            _expectVideo = video;
            _expectAudio = audio;
        }

        _publisher.SetMetadata(metadata);
        if (_mediaStarted)
        {
            CheckTracksComplete(_clock.Last);
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
        if (!_mediaStarted)
        {
            _mediaStarted = true;
            _firstTimestamp = dts;
        }

        return dts;
    }

    /// <summary>Adds the video track, or updates it when <paramref name="track"/> differs from it.</summary>
    internal void SetVideoTrack(MediaTrack track, long dts) => SetTrack(ref _video, track, dts);

    /// <summary>Adds the audio track, or updates it when <paramref name="track"/> differs from it.</summary>
    internal void SetAudioTrack(MediaTrack track, long dts) => SetTrack(ref _audio, track, dts);

    /// <summary>Hands a frame of a current track to the publisher, once the tracks are complete if they now are.</summary>
    internal void Write(in MediaPacket packet)
    {
        CheckTracksComplete(packet.Dts);
        _publisher.Write(packet);
    }

    private void SetTrack(ref MediaTrack? current, MediaTrack track, long dts)
    {
        if (current is null)
        {
            int index = _publisher.AddTrack(track);
            current = track with { Index = index };
            Log.TrackAdded(_logger, _publisher.StreamId, current.ToString());
            CheckTracksComplete(dts);
        }
        else if (!SameTrack(current, track))
        {
            current = track with { Index = current.Index };
            _publisher.UpdateTrack(current);
            Log.TrackUpdated(_logger, _publisher.StreamId, current.ToString());
        }
    }

    private static bool SameTrack(MediaTrack current, MediaTrack candidate) =>
        current.Codec == candidate.Codec
        && current.Width == candidate.Width
        && current.Height == candidate.Height
        && current.SampleRate == candidate.SampleRate
        && current.Channels == candidate.Channels
        && current.CodecConfig.Span.SequenceEqual(candidate.CodecConfig.Span);

    private void CheckTracksComplete(long dts)
    {
        if (TracksCompleted || (_video is null && _audio is null))
        {
            return;
        }

        bool complete = _metadataKnown
            ? (!_expectVideo || _video is not null) && (!_expectAudio || _audio is not null)
            : _video is not null && _audio is not null;
        if (!complete && dts - _firstTimestamp >= _probeWindowMs)
        {
            complete = true;
        }

        if (complete)
        {
            TracksCompleted = true;
            Log.TracksComplete(_logger, _publisher.StreamId, _video?.ToString() ?? "none", _audio?.ToString() ?? "none");
            _publisher.TracksComplete();
        }
    }

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
        [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: track added: {Track}")]
        public static partial void TrackAdded(ILogger logger, string streamId, string track);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: track changed: {Track}")]
        public static partial void TrackUpdated(ILogger logger, string streamId, string track);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {StreamId}: tracks complete (video: {Video}, audio: {Audio})")]
        public static partial void TracksComplete(ILogger logger, string streamId, string video, string audio);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {StreamId}: dropping FLV tag ({Reason}: {Detail}); further drops of this kind are only counted")]
        public static partial void TagDropped(ILogger logger, string streamId, string reason, string detail);
    }
}
