using Lkm.Host.Api;
using Lkm.Host.Networking;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;

namespace Lkm.Host.Plugins;

/// <summary>Where what a plugin registers goes: the host's registries each plugin context writes into and takes back from.</summary>
public sealed record PluginHostParts(
    HttpSuffixRouter Router,
    TransStreamRegistry TransStreams,
    ListenerTable Listeners,
    PluginApiRouter Apis,
    PlayUrlTemplates PlayUrls,
    PortPoolTable PortPools);
