using Lkm.Host.Hooks;
using Lkm.Sdk.Streaming;

namespace Lkm.Host.Streaming;

/// <summary>Builds the <c>ctx</c> a hook script sees from a publish or play request.</summary>
internal static class HookContexts
{
    public static HookContext For(StreamRequest request, string? sink = null)
    {
        // App and Name are derived from Stream by HookContext itself.
        return new HookContext
        {
            Stream = request.StreamId,
            Protocol = request.Protocol,
            RemoteAddr = request.RemoteAddress,
            Query = request.Query,
            Sink = sink,
        };
    }
}
