namespace Lkm.Bench.Play;

/// <summary>
/// A player's longest wait between media deliveries (receives that carried audio/video payload bytes),
/// counted from the delivery that completed its first key frame. Two figures:
/// <list type="bullet">
/// <item><see cref="SteadyMaxTicks"/>: the longest stretch of the steady phase (from its start to the end of
/// the run) in which no media arrived, after the first key frame. A wait that began before the steady phase
/// counts from the steady phase's start; the silence after the last delivery counts up to the end of the
/// run, or up to the moment the connection ended.</item>
/// <item><see cref="RunMaxTicks"/>: the same over the whole run (ramp included), from the first key frame.</item>
/// </list>
/// Per delivery it costs a few compares: no allocation, no lock (one player's receive loop only).
/// </summary>
public struct DeliveryGaps
{
    private readonly long _steadyStartTicks;
    private readonly long _endTicks;
    private long _startTicks;
    private long _lastTicks;
    private bool _finished;
    private bool _steadyObserved;

    public DeliveryGaps(long steadyStartTicks, long endTicks)
    {
        _steadyStartTicks = steadyStartTicks;
        _endTicks = endTicks;
    }

    /// <summary>The first key frame has arrived: deliveries are being timed.</summary>
    public readonly bool Started => _startTicks != 0;

    /// <summary>Longest media-free stretch of the steady phase after the first key frame, in ticks.</summary>
    public long SteadyMaxTicks { get; private set; }

    /// <summary>Longest media-free stretch of the whole run after the first key frame, in ticks.</summary>
    public long RunMaxTicks { get; private set; }

    /// <summary>
    /// Whether the player played (had its first key frame) during some of the steady phase: without it
    /// <see cref="SteadyMaxTicks"/> means nothing. Known once <see cref="Finish"/> has run.
    /// </summary>
    public readonly bool HasSteadyFigure => _finished && _steadyObserved;

    /// <summary>Starts counting at the delivery that completed the first key frame.</summary>
    public void Start(long deliveryTicks)
    {
        if (_startTicks == 0)
        {
            _startTicks = deliveryTicks;
            _lastTicks = deliveryTicks;
        }
    }

    /// <summary>Media bytes arrived at <paramref name="nowTicks"/>.</summary>
    public void Delivery(long nowTicks)
    {
        if (_startTicks == 0)
        {
            return;
        }

        Note(nowTicks);
        _lastTicks = nowTicks;
    }

    /// <summary>The player is over at <paramref name="endTicks"/> (end of the run, or when its connection ended).</summary>
    public void Finish(long endTicks)
    {
        if (_finished || _startTicks == 0)
        {
            _finished = true;
            return;
        }

        _finished = true;
        Note(endTicks);
        _steadyObserved = _startTicks < _endTicks && Math.Min(endTicks, _endTicks) > _steadyStartTicks;
    }

    private void Note(long nowTicks)
    {
        long to = Math.Min(nowTicks, _endTicks);
        if (to <= _lastTicks)
        {
            return;
        }

        if (to - _lastTicks > RunMaxTicks)
        {
            RunMaxTicks = to - _lastTicks;
        }

        long from = Math.Max(_lastTicks, _steadyStartTicks);
        if (to - from > SteadyMaxTicks)
        {
            SteadyMaxTicks = to - from;
        }
    }
}
