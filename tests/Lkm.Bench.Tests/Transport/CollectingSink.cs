using Lkm.Bench.Net;

namespace Lkm.Bench.Tests.Transport;

public sealed class CollectingSink : IPayloadSink
{
    public List<byte> Bytes { get; } = [];

    public void Feed(ReadOnlySpan<byte> data) => Bytes.AddRange(data);
}
