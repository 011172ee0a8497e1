using Lkm.Bench.Media;
using Lkm.Bench.Net;

namespace Lkm.Bench.Play;

/// <summary>
/// One player's measurements, written only by that player's own receive loop (no locks; the progress
/// line reads them racily, which is fine for a display).
/// </summary>
public sealed class PlayerStats : IMediaObserver
{
    // Reads closer than this belong to one burst (one merge-write segment split over several receives).
    private static readonly long BurstGapTicks = RunClock.OneSecond / 100;

    private readonly RunClock _clock;

    // Longest waits between media deliveries after the first key frame (steady phase, whole run).
    private DeliveryGaps _gaps;

    // Key-frame anchored bitrate window (see BitrateKbps).
    private int _anchors;
    private long _anchorFirstTicks;
    private long _anchorFirstBytes;
    private long _anchorLastTicks;
    private long _anchorLastBytes;
    private bool _anchorInJoinBurst;
    private bool _inJoinBurst;

    // Burst-to-burst bitrate window, the fallback when fewer than two key frames arrived in the window.
    private long _burstFirstTicks;
    private long _burstLastTicks;
    private long _burstBytes;
    private int _bursts;

    public PlayerStats(int index, int group, StreamProtocol protocol, string url, RunClock clock)
    {
        Index = index;
        Group = group;
        Protocol = protocol;
        Url = url;
        _clock = clock;
        _gaps = new DeliveryGaps(clock.SteadyStartTicks, clock.EndTicks);
    }

    public int Index { get; }

    /// <summary>Which <c>--url</c> this player came from (mixed runs compare players of one URL).</summary>
    public int Group { get; }

    public StreamProtocol Protocol { get; }

    public string Url { get; }

    public long ConnectStartTicks { get; set; }

    public long ConnectedTicks { get; set; }

    /// <summary>When the play request (RTMP play, HTTP GET, WebSocket upgrade) was sent.</summary>
    public long PlayRequestTicks { get; set; }

    public long FirstKeyframeTicks { get; private set; }

    public long FirstMediaTicks { get; private set; }

    public long LastMediaTicks { get; private set; }

    /// <summary>Audio and video body bytes received.</summary>
    public long MediaBytes { get; private set; }

    public long Tags { get; private set; }

    public long Keyframes { get; private set; }

    public int Stalls { get; private set; }

    /// <summary>Longest silence from the first media byte on (trailing silence included unless dropped): what stalls are counted from.</summary>
    public long MaxGapTicks { get; private set; }

    /// <summary>
    /// Longest wait between media deliveries during the steady phase, after the first key frame (see
    /// <see cref="DeliveryGaps"/>); null when the player did not play during the steady phase or is not over yet.
    /// </summary>
    public long? SteadyGapTicks => _gaps.HasSteadyFigure ? _gaps.SteadyMaxTicks : null;

    /// <summary>Longest wait between media deliveries over the whole run (ramp included), after the first key frame; null without one.</summary>
    public long? RunGapTicks => _gaps.Started ? _gaps.RunMaxTicks : null;

    /// <summary>Failed before any media arrived (refused, unreachable, not found).</summary>
    public bool Failed { get; private set; }

    /// <summary>The connection ended early after media had started.</summary>
    public bool Dropped { get; private set; }

    public long EndTicks { get; private set; }

    public string? Error { get; private set; }

    public bool HasKeyframe => FirstKeyframeTicks != 0;

    public double? FirstKeyframeMs => HasKeyframe && PlayRequestTicks != 0 ? RunClock.ToMilliseconds(FirstKeyframeTicks - PlayRequestTicks) : null;

    public double? ConnectMs => ConnectedTicks != 0 ? RunClock.ToMilliseconds(ConnectedTicks - ConnectStartTicks) : null;

    /// <summary>
    /// Received media bitrate over the measurement window (from <see cref="RunClock.WindowStartTicks"/>, a moment
    /// into the steady phase, to the end of the run or the drop). Media is not uniform inside a GOP (the key
    /// frame is large) and servers batch it (merge-write), so a plain bytes-per-window figure depends on where
    /// the window edges fall. Measured instead from the first to the last key frame that completed in the window:
    /// whole GOPs over the time they took. A key frame replayed from the server's GOP cache when the player
    /// joined (more video follows it in the same burst) is not an anchor: it arrives at join time, not in step.
    /// With fewer than two key frames (short window, audio only) it falls back to burst to burst: from the end
    /// of the second burst in the window to the last receive. Null when the window is under half a second.
    /// </summary>
    public double? BitrateKbps
    {
        get
        {
            double anchored = RunClock.ToSeconds(_anchorLastTicks - _anchorFirstTicks);
            if (_anchors >= 2 && anchored >= 0.5)
            {
                return (_anchorLastBytes - _anchorFirstBytes) * 8 / 1000.0 / anchored;
            }

            double seconds = RunClock.ToSeconds(_burstLastTicks - _burstFirstTicks);
            return _bursts < 3 || seconds < 0.5 ? null : _burstBytes * 8 / 1000.0 / seconds;
        }
    }

    public void OnMediaBytes(int count)
    {
        long now = RunClock.Now;
        bool newBurst = FirstMediaTicks == 0 || now - LastMediaTicks > BurstGapTicks;
        if (FirstMediaTicks == 0)
        {
            FirstMediaTicks = now;
            _inJoinBurst = true;
        }
        else
        {
            NoteGap(now - LastMediaTicks);
            _inJoinBurst &= !newBurst;
        }

        _gaps.Delivery(now);

        if (now >= _clock.WindowStartTicks && now <= _clock.EndTicks)
        {
            if (newBurst || _bursts == 0)
            {
                _bursts++;
            }

            if (_bursts <= 2)
            {
                // Burst window opens at the end of the second burst: a joining player's first burst is its
                // GOP-cache replay, which lands at an arbitrary point of the server's batching period.
                _burstFirstTicks = _burstLastTicks = now;
            }
            else
            {
                _burstBytes += count;
                _burstLastTicks = now;
            }
        }

        LastMediaTicks = now;
        MediaBytes += count;
    }

    public void OnMediaComplete(MediaKind kind, int bodyLength, bool codedKeyframe)
    {
        Tags++;
        if (kind != MediaKind.Video)
        {
            return;
        }

        long now = RunClock.Now;
        if (!codedKeyframe)
        {
            if (_anchorInJoinBurst && _inJoinBurst)
            {
                // More video in the join burst: that key frame was a GOP-cache replay.
                _anchors = 0;
                _anchorInJoinBurst = false;
            }

            return;
        }

        Keyframes++;
        if (FirstKeyframeTicks == 0)
        {
            FirstKeyframeTicks = now;
            _gaps.Start(LastMediaTicks); // the receive that brought the key frame's last bytes
        }

        if (now >= _clock.WindowStartTicks && now <= _clock.EndTicks)
        {
            if (_anchors == 0)
            {
                _anchorFirstTicks = now;
                _anchorFirstBytes = MediaBytes;
                _anchorInJoinBurst = _inJoinBurst;
            }

            _anchorLastTicks = now;
            _anchorLastBytes = MediaBytes;
            _anchors++;
        }
    }

    /// <summary>Records why the player ended early.</summary>
    public void Fail(string error)
    {
        if (Failed || Dropped)
        {
            return;
        }

        Error = error;
        if (FirstMediaTicks == 0)
        {
            Failed = true;
        }
        else
        {
            Dropped = true;
        }

        EndTicks = RunClock.Now;
    }

    /// <summary>Called once when the player is over: a silence up to the end of the run is a stall too.</summary>
    public void Finish()
    {
        if (EndTicks == 0)
        {
            EndTicks = Math.Min(RunClock.Now, _clock.EndTicks);
        }

        if (FirstMediaTicks != 0 && !Dropped)
        {
            NoteGap(Math.Min(EndTicks, _clock.EndTicks) - LastMediaTicks);
        }

        _gaps.Finish(EndTicks);
    }

    private void NoteGap(long gap)
    {
        if (gap > MaxGapTicks)
        {
            MaxGapTicks = gap;
        }

        if (gap > RunClock.OneSecond)
        {
            Stalls++;
        }
    }
}
