using Lkm.Sdk.Streaming;

namespace Lkm.Plugins.Flv;

/// <summary>Creates the FLV trans stream that HTTP-FLV and WS-FLV sinks (<see cref="ISink.TransProtocol"/> <c>flv</c>) share.</summary>
public sealed class FlvTransStreamFactory : ITransStreamFactory
{
    public const string ProtocolName = "flv";

    public string Protocol => ProtocolName;

    public ITransStream Create(TransStreamContext context) => new FlvTransStream(context);
}
