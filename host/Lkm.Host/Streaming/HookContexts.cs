using Lkm.Host.Hooks;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>Builds the <c>ctx</c> a hook script sees from a publish or play request.</summary>
internal static class HookContexts
{
    public static HookContext For(StreamRequest request, string? sink = null)
    {
        string id = request.StreamId;
        int slash = id.IndexOf('/');
        return new HookContext
        {
            Stream = id,
            App = slash < 0 ? id : id[..slash],
            Name = slash < 0 ? "" : id[(slash + 1)..],
            Protocol = request.Protocol,
            RemoteAddr = request.RemoteAddress,
            Query = request.Query,
            Sink = sink,
        };
    }
}
