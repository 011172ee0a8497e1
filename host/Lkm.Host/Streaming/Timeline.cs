using Lkm.Sdk.Media;

namespace Lkm.Host.Streaming;

/// <summary>
/// The stream's clock: maps a publisher's timestamps onto the stream's, so that players see one
/// continuous, never-decreasing timeline per track across publisher resumes. Owned by the source's loop.
/// </summary>
internal sealed class Timeline
{
    /// <summary>The gap put between the last frame of a publisher and the first of the one that resumes it.</summary>
    public const long ResumeGapMs = 40;

    private long[] _lastDts = [];
    private long _lastDtsMax = long.MinValue;
    private long _offset;
    private bool _needOffset;

    /// <summary>A new stream: every track starts from the publisher's own timestamps.</summary>
    public void Reset(int trackCount)
    {
        _lastDts = Enumerable.Repeat(long.MinValue, trackCount).ToArray();
        _lastDtsMax = long.MinValue;
        _offset = 0;
        _needOffset = false;
    }

    /// <summary>A publisher resumed the stream: its first packet continues where the last one stopped.</summary>
    public void Resume() => _needOffset = true;

    public void AddTrack()
    {
        Array.Resize(ref _lastDts, _lastDts.Length + 1);
        _lastDts[^1] = long.MinValue;
    }

    /// <summary>The packet on the stream's timeline, for stream track <paramref name="track"/>.</summary>
    public MediaPacket Map(in MediaPacket input, int track)
    {
        if (_needOffset)
        {
            _offset = (_lastDtsMax == long.MinValue ? 0 : _lastDtsMax + ResumeGapMs) - input.Dts;
            _needOffset = false;
        }

        long dts = input.Dts + _offset;
        long pts = input.Pts + _offset;
        if (dts < _lastDts[track])
        {
            // Never let a track go backwards: players and muxers rely on monotonic timestamps.
            pts += _lastDts[track] - dts;
            dts = _lastDts[track];
        }

        _lastDts[track] = dts;
        _lastDtsMax = Math.Max(_lastDtsMax, dts);
        return new MediaPacket(track, dts, pts, input.IsKeyFrame, input.Buffer);
    }
}
