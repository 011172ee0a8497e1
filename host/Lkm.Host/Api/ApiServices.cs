using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Host.Plugins;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;

namespace Lkm.Host.Api;

/// <summary>What the API, /metrics and the console read: the streams, the plugins, the hook engine and the config.</summary>
public sealed class ApiServices
{
    public ApiServices(LkmConfig config, IStreamDirectory streams, IPluginRegistry plugins, HookEngine? hooks,
        PluginApiRouter? pluginApis = null, PlayUrlTemplates? playUrls = null)
    {
        Config = config;
        Streams = streams;
        PluginRegistry = plugins;
        Hooks = hooks;
        PluginApis = pluginApis ?? new PluginApiRouter();
        PlayUrls = playUrls ?? new PlayUrlTemplates();
    }

    /// <summary>The API calls plugins serve under <c>/api/v1/&lt;plugin&gt;/</c>.</summary>
    public PluginApiRouter PluginApis { get; }

    /// <summary>How players reach a stream over each egress the plugins serve.</summary>
    public PlayUrlTemplates PlayUrls { get; }

    public LkmConfig Config { get; }

    public IStreamDirectory Streams { get; }

    public IPluginRegistry PluginRegistry { get; }

    /// <summary>The plugins as loaded now.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins => PluginRegistry.Plugins;

    public HookEngine? Hooks { get; }

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    public string Version { get; } = typeof(ApiServices).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
