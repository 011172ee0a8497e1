using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Rtmp.Streaming;

/// <summary>Creates the RTMP trans stream of a source (one per source, shared by all its RTMP players).</summary>
public sealed class RtmpTransStreamFactory : ITransStreamFactory
{
    private readonly int _chunkSize;

    public RtmpTransStreamFactory(int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _chunkSize = chunkSize;
    }

    public string Protocol => "rtmp";

    public ITransStream Create(TransStreamContext context) => new RtmpTransStream(context, _chunkSize);
}
