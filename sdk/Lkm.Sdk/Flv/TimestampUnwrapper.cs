namespace Lkm.Sdk.Flv;

/// <summary>
/// Turns 32-bit RTMP/FLV millisecond timestamps (which wrap after ~49.7 days) into a 64-bit
/// timeline. A step is read as the shorter way round the 32-bit circle, so small backward steps
/// (audio/video interleaving) stay backward and a wrap moves forward.
/// </summary>
public struct TimestampUnwrapper
{
    private bool _started;
    private long _last;

    /// <summary>True once a timestamp was unwrapped.</summary>
    public readonly bool HasStarted => _started;

    /// <summary>The latest (highest) unwrapped timestamp so far.</summary>
    public readonly long Last => _last;

    /// <summary>The 64-bit timestamp (ms) of <paramref name="timestamp"/>; never negative. The first timestamp is taken as is.</summary>
    public long Unwrap(uint timestamp)
    {
        if (!_started)
        {
            _started = true;
            _last = timestamp;
            return timestamp;
        }

        int delta = unchecked((int)(timestamp - (uint)_last));
        long result = _last + delta;
        if (delta > 0)
        {
            _last = result;
        }

        return Math.Max(0, result);
    }

    /// <summary>Forgets the timeline: the next timestamp starts it again.</summary>
    public void Reset() => this = default;
}
