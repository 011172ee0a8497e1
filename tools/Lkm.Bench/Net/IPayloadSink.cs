namespace Lkm.Bench.Net;

/// <summary>Takes the payload bytes a transport decoder (HTTP chunked, WebSocket) unwraps.</summary>
public interface IPayloadSink
{
    void Feed(ReadOnlySpan<byte> data);
}
