using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Host.Plugins;
using Lkm.Host.Streaming;

namespace Lkm.Host.Api;

/// <summary>What the API, /metrics and the console read: the hub, the plugins, the hook engine and the config.</summary>
public sealed class ApiServices
{
    public ApiServices(LkmConfig config, StreamHub hub, Func<IReadOnlyList<LoadedPlugin>> plugins, HookEngine? hooks)
    {
        Config = config;
        Hub = hub;
        Plugins = plugins;
        Hooks = hooks;
    }

    public LkmConfig Config { get; }

    public StreamHub Hub { get; }

    /// <summary>The plugins as loaded now (the catalog is created after the web app).</summary>
    public Func<IReadOnlyList<LoadedPlugin>> Plugins { get; }

    public HookEngine? Hooks { get; }

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    public string Version { get; } = typeof(ApiServices).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
