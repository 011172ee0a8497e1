namespace Lkm.Host.Plugins;

/// <summary>The plugins the host has loaded (every version, running, draining or gone), as the API, metrics and console list them.</summary>
public interface IPluginRegistry
{
    /// <summary>Every version loaded or refused, oldest first (a few finished ones per plugin are kept for the record).</summary>
    IReadOnlyList<LoadedPlugin> Plugins { get; }

    /// <summary>Versions that replaced a running one since start.</summary>
    long Swaps { get; }

    /// <summary>Plugin folders refused since start (could not load, wrong SDK, bad config, failed to start).</summary>
    long RefusedLoads { get; }

    /// <summary>The port pools of the plugin named <paramref name="name"/> (one set for all its versions).</summary>
    IReadOnlyList<Lkm.Sdk.Plugins.PortPool> PortPoolsOf(string name);

    /// <summary>
    /// Loads the plugin named <paramref name="name"/> again from its folder and swaps it in; returns the version
    /// that resulted (running, or failed with its reason while the previous one keeps serving), or null when no
    /// plugin of that name was ever loaded.
    /// </summary>
    Task<LoadedPlugin?> ReloadAsync(string name, CancellationToken cancellationToken);
}
