using System.Diagnostics;

namespace Lkm.Host.Streaming;

/// <summary>
/// In/out bitrates of a source from its byte counters, sampled on the loop's tick and averaged over
/// the last couple of seconds so the figure does not jump with every merge-write window.
/// </summary>
internal sealed class BitrateMeter
{
    private const double WindowSeconds = 2;
    private long _lastIn;
    private long _lastOut;
    private long _lastTimestamp = Stopwatch.GetTimestamp();
    private double _elapsed;
    private long _windowIn;
    private long _windowOut;

    public double InKbps { get; private set; }

    public double OutKbps { get; private set; }

    public void Sample(long bytesIn, long bytesOut)
    {
        long now = Stopwatch.GetTimestamp();
        _elapsed += Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        _lastTimestamp = now;
        _windowIn += bytesIn - _lastIn;
        _windowOut += bytesOut - _lastOut;
        _lastIn = bytesIn;
        _lastOut = bytesOut;
        if (_elapsed >= WindowSeconds)
        {
            InKbps = _windowIn * 8 / 1000.0 / _elapsed;
            OutKbps = _windowOut * 8 / 1000.0 / _elapsed;
            _elapsed = 0;
            _windowIn = 0;
            _windowOut = 0;
        }
    }
}
