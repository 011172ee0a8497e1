using Lkm.Host.Api;
using Lkm.Host.Configuration;
using Lkm.Host.Hooks;
using Lkm.Host.Memory;
using Lkm.Host.Networking;
using Lkm.Host.Plugins;
using Lkm.Host.Routing;
using Lkm.Host.Streaming;
using Lkm.Sdk.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Composition;

/// <summary>
/// The host's services, registered once. Hosted services start in the order registered (before
/// Kestrel serves, so plugins' HTTP routes exist when the first request comes) and stop in reverse;
/// the container disposes the engine after them.
/// </summary>
public static class LkmServiceCollectionExtensions
{
    public static IServiceCollection AddLkm(this IServiceCollection services, LkmConfig config, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        services.AddSingleton(config);
        services.AddSingleton(_ => new LiveRoutes(config.Routes));
        services.AddSingleton<TransStreamRegistry>();
        services.AddSingleton<HttpSuffixRouter>();

        services.AddSingleton<HookEngine>();
        services.AddSingleton<IStreamHooks, ScriptStreamHooks>();

        services.AddSingleton<StreamHub>();
        services.AddSingleton<IStreamHub>(sp => sp.GetRequiredService<StreamHub>());
        services.AddSingleton<IStreamDirectory>(sp => sp.GetRequiredService<StreamHub>());

        services.AddSingleton<ListenerTable>();
        services.AddSingleton<PluginApiRouter>();
        services.AddSingleton<PlayUrlTemplates>();
        services.AddSingleton<PortPoolTable>();
        services.AddSingleton(new PluginCatalogOptions
        {
            // A plugin dropped in after start reads its section from lkm.yaml as it is then.
            ReloadConfig = () => ConfigLoader.Load(config.FilePath, overrides),
        });
        services.AddSingleton<PluginCatalog>();
        services.AddSingleton<IPluginRegistry>(sp => sp.GetRequiredService<PluginCatalog>());
        services.AddSingleton<ApiServices>();

        // Registered as plain IHostedService singletons: AddHostedService would keep only one HostedResource.
        services.AddSingleton<IHostedService>(sp => new HostedResource(() =>
            new MemoryHousekeeping(config.Server.GcYoungBudget, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Lkm.Memory"))));
        services.AddSingleton<IHostedService>(sp => new HostedResource(() =>
            new ConfigWatcher(config, overrides, sp.GetRequiredService<LiveRoutes>(), sp.GetRequiredService<ILoggerFactory>())));
        services.AddHostedService<PluginHostedService>();
        services.AddHostedService<StartupAnnouncer>();
        return services;
    }
}
