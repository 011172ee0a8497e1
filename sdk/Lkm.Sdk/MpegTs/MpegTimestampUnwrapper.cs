namespace Lkm.Sdk.MpegTs;

/// <summary>
/// Turns 33-bit 90 kHz MPEG time stamps (PTS/DTS/SCR, which wrap after about 26.5 hours) into a 64-bit timeline
/// of milliseconds starting at 0 with the first time stamp. A step is read as the shorter way round the 33-bit
/// circle, so small backward steps (B-frames, audio/video interleaving) stay backward and a wrap moves forward.
/// </summary>
public struct MpegTimestampUnwrapper
{
    /// <summary>The 33-bit time stamp range.</summary>
    public const long Modulus = 1L << 33;

    private bool _started;
    private long _origin;
    private long _last;

    /// <summary>True once a time stamp was unwrapped.</summary>
    public readonly bool HasStarted => _started;

    /// <summary>The 64-bit 90 kHz value of <paramref name="timestamp"/> (only its low 33 bits count).</summary>
    public long Unwrap90kHz(long timestamp)
    {
        timestamp &= Modulus - 1;
        if (!_started)
        {
            _started = true;
            _origin = timestamp;
            _last = timestamp;
            return timestamp;
        }

        long delta = (timestamp - _last) & (Modulus - 1);
        if (delta >= Modulus / 2)
        {
            delta -= Modulus;
        }

        long result = _last + delta;
        if (delta > 0)
        {
            _last = result;
        }

        return result;
    }

    /// <summary>Milliseconds since the first time stamp (never negative) of the 33-bit 90 kHz <paramref name="timestamp"/>.</summary>
    public long ToMilliseconds(long timestamp) => Math.Max(0, ToSignedMilliseconds(timestamp));

    /// <summary>Milliseconds since the first time stamp of <paramref name="timestamp"/>, negative when it is earlier (a clock that went back).</summary>
    public long ToSignedMilliseconds(long timestamp) => (Unwrap90kHz(timestamp) - _origin) / 90;

    /// <summary>Forgets the timeline: the next time stamp starts it again.</summary>
    public void Reset() => this = default;
}
