using Lkm.Sdk.Streaming;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Media;

/// <summary>
/// The tracks an ingest (FLV, elementary streams) publishes: a video and an audio track added once and updated when
/// their configuration changes, and <see cref="IPublisher.TracksComplete"/> called once every expected track is
/// there or the probe window of media has passed. One copy of this for every container's ingest.
/// </summary>
internal sealed partial class PublisherTracks
{
    private readonly IPublisher _publisher;
    private readonly ILogger _logger;
    private readonly int _probeWindowMs;
    private readonly bool _waitForBothWhenUnannounced;
    private bool _announced;
    private bool _expectVideo;
    private bool _expectAudio;
    private bool _started;
    private long _firstDts;

    /// <param name="publisher">Where the tracks go.</param>
    /// <param name="logger">Logs tracks added, changed and complete.</param>
    /// <param name="probeWindowMs">Media after which the tracks are complete whatever is missing.</param>
    /// <param name="waitForBothWhenUnannounced">Without <see cref="Expect"/>, complete as soon as both kinds are there (FLV) instead of only after the probe window.</param>
    public PublisherTracks(IPublisher publisher, ILogger logger, int probeWindowMs, bool waitForBothWhenUnannounced)
    {
        _publisher = publisher;
        _logger = logger;
        _probeWindowMs = Math.Max(0, probeWindowMs);
        _waitForBothWhenUnannounced = waitForBothWhenUnannounced;
    }

    private MediaTrack? _video;
    private MediaTrack? _audio;

    public MediaTrack? Video => _video;

    public MediaTrack? Audio => _audio;

    public bool Completed { get; private set; }

    public bool HasStarted => _started;

    /// <summary>The container announced which kinds to wait for (onMetaData, PMT).</summary>
    public void Expect(bool video, bool audio) => (_announced, _expectVideo, _expectAudio) = (true, video, audio);

    /// <summary>Media began at <paramref name="dts"/> (the probe window counts from the first call).</summary>
    public void Started(long dts)
    {
        if (!_started)
        {
            _started = true;
            _firstDts = dts;
        }
    }

    /// <summary>Adds the video track, or updates it when <paramref name="track"/> differs from it.</summary>
    public void SetVideo(MediaTrack track, long dts) => Set(ref _video, track, dts);

    /// <summary>Adds the audio track, or updates it when <paramref name="track"/> differs from it.</summary>
    public void SetAudio(MediaTrack track, long dts) => Set(ref _audio, track, dts);

    /// <summary>Hands a frame of a current track to the publisher, once the tracks are complete if they now are.</summary>
    public void Write(in MediaPacket packet)
    {
        CheckComplete(packet.Dts);
        _publisher.Write(packet);
    }

    public void CheckComplete(long dts)
    {
        if (Completed || (_video is null && _audio is null))
        {
            return;
        }

        bool complete = _announced
            ? (!_expectVideo || _video is not null) && (!_expectAudio || _audio is not null)
            : _waitForBothWhenUnannounced && _video is not null && _audio is not null;
        if (!complete && dts - _firstDts >= _probeWindowMs)
        {
            complete = true;
        }

        if (complete)
        {
            Completed = true;
            Log.TracksComplete(_logger, _publisher.StreamId, Video?.ToString() ?? "none", Audio?.ToString() ?? "none");
            _publisher.TracksComplete();
        }
    }

    private void Set(ref MediaTrack? current, MediaTrack track, long dts)
    {
        if (current is null)
        {
            int index = _publisher.AddTrack(track);
            current = track with { Index = index };
            Log.TrackAdded(_logger, _publisher.StreamId, current.ToString());
            CheckComplete(dts);
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

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: track added: {Track}")]
        public static partial void TrackAdded(ILogger logger, string streamId, string track);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: track changed: {Track}")]
        public static partial void TrackUpdated(ILogger logger, string streamId, string track);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {StreamId}: tracks complete (video: {Video}, audio: {Audio})")]
        public static partial void TracksComplete(ILogger logger, string streamId, string video, string audio);
    }
}
