namespace Lkm.Host.Plugins;

/// <summary>The plugins the host has loaded, as the API, metrics and console list them.</summary>
public interface IPluginRegistry
{
    IReadOnlyList<LoadedPlugin> Plugins { get; }
}
