using Lkm.Host.Configuration;

namespace Lkm.Host.Plugins;

/// <summary>How the catalog follows the plugin directory; the defaults are the server's.</summary>
public sealed record PluginCatalogOptions
{
    /// <summary>Follow the plugin directory and load, swap and remove plugins as their folders change.</summary>
    public bool Watch { get; init; } = true;

    /// <summary>Time between polls of the plugin directory; a change is acted on after two polls agree.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often draining versions are checked for their last session.</summary>
    public TimeSpan DrainCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Where shadow copies go (default: the temp directory's <c>lkm-plugins</c>).</summary>
    public string? ShadowDirectory { get; init; }

    /// <summary>
    /// Reads lkm.yaml again when a plugin is loaded after start, so a section added with the plugin applies; null
    /// (or a config with errors, which is logged) keeps the sections read at start.
    /// </summary>
    public Func<LkmConfig>? ReloadConfig { get; init; }
}
