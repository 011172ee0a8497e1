using Lkm.Host.Configuration;
using Lkm.Host.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Composition;

/// <summary>Runs <see cref="MemoryHousekeeping"/> for the life of the host.</summary>
internal sealed class MemoryHousekeepingService(LkmConfig config, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private MemoryHousekeeping? _housekeeping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _housekeeping = new MemoryHousekeeping(config.Server.GcYoungBudget, loggerFactory.CreateLogger("Lkm.Memory"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _housekeeping?.Dispose();
        _housekeeping = null;
    }
}
