using Microsoft.Extensions.Hosting;

namespace Lkm.Host.Composition;

/// <summary>
/// Something that runs on its own timer from the host's start to its stop (memory housekeeping,
/// config watching): created when the host starts, disposed when it stops.
/// </summary>
internal sealed class HostedResource(Func<IDisposable> start) : IHostedService, IDisposable
{
    private IDisposable? _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _running?.Dispose();
        _running = null;
    }
}
