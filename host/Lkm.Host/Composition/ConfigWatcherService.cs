using Lkm.Host.Configuration;
using Lkm.Host.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Composition;

/// <summary>Watches lkm.yaml for edits of routes, defaults and hooks while the host runs.</summary>
internal sealed class ConfigWatcherService(ConfigSource source, LiveRoutes routes, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private ConfigWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watcher = new ConfigWatcher(source.Initial, source.Overrides, routes, loggerFactory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
    }
}
