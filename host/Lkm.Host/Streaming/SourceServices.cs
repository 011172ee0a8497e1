using Lkm.Host.Routing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Streaming;

/// <summary>What every source of a hub shares: made once by the hub.</summary>
internal sealed record SourceServices(LiveRoutes Routes, TransStreamRegistry Registry, IStreamHooks Hooks, EngineCounters Counters, ILogger Logger, ISourceOwner Owner);

/// <summary>
/// The one call a source makes to its owner (the hub): it has nothing left and may be removed. Every
/// other exchange goes the other way, as events posted to the source's loop.
/// </summary>
internal interface ISourceOwner
{
    /// <summary>The owner removes the source unless work arrived meanwhile, and then completes it.</summary>
    void OnSourceIdle(Source source);
}
