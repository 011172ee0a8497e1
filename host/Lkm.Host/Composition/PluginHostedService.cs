using Lkm.Host.Plugins;
using Microsoft.Extensions.Hosting;

namespace Lkm.Host.Composition;

/// <summary>Loads and starts the plugins when the host starts; stops them (listeners first) when it stops.</summary>
internal sealed class PluginHostedService(PluginCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => catalog.StartAllAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await catalog.StopAllAsync().ConfigureAwait(false);
}
