using Lkm.Sdk.Buffers;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>
/// One egress protocol of one source: its muxer, its players and the segments since the last
/// keyframe (what a joining player gets at once). Owned by the source's event loop.
/// </summary>
internal sealed class TransStreamState : IDisposable
{
    private readonly List<Segment> _gop = [];
    private readonly bool _keepGop;
    private readonly int _maxGopBytes;
    private long _gopBytes;

    public TransStreamState(TransStreamFactoryEntry factory, ITransStream trans, bool keepGop, int maxGopBytes)
    {
        Factory = factory;
        Protocol = factory.Protocol;
        Trans = trans;
        factory.Owner?.TransStreamOpened();
        _keepGop = keepGop;
        _maxGopBytes = maxGopBytes;
    }

    public string Protocol { get; }

    /// <summary>The factory registration (plugin version) that made the muxer: the source's key for it.</summary>
    public TransStreamFactoryEntry Factory { get; }

    public ITransStream Trans { get; }

    public List<SinkState> Sinks { get; } = [];

    public IReadOnlyList<Segment> Gop => _gop;

    /// <summary>Keeps a completed segment for late joiners (takes over the caller's reference) or releases it.</summary>
    public void Keep(Segment segment)
    {
        if (!_keepGop || !segment.IsMedia)
        {
            segment.Release();
            return;
        }

        if (segment.StartsWithKeyFrame || _gopBytes + segment.Length > _maxGopBytes)
        {
            ClearGop();
            if (!segment.StartsWithKeyFrame)
            {
                segment.Release();
                return;
            }
        }

        _gop.Add(segment);
        _gopBytes += segment.Length;
    }

    public void ClearGop()
    {
        foreach (var s in _gop)
        {
            s.Release();
        }

        _gop.Clear();
        _gopBytes = 0;
    }

    public void Dispose()
    {
        ClearGop();
        try
        {
            Trans.Dispose();
        }
        finally
        {
            Factory.Owner?.TransStreamClosed();
        }
    }
}
