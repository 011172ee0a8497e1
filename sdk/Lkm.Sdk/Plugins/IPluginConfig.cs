namespace Lkm.Sdk.Plugins;

/// <summary>
/// A plugin's section of lkm.yaml (<c>plugins: { name: {...} }</c>), read in
/// <see cref="IProtocolPlugin.Configure"/>. Reads are typed and take the allowed range, so the host
/// words every error the same way for host and plugin keys and gives it its true source
/// (<c>lkm.yaml:LINE:COL</c> or the <c>--set</c> that made the value). A bad value does not throw: it
/// is reported and the read returns the default, so the host gathers every error of the whole
/// configuration and reports them at once. Keys the plugin never read are reported as unknown.
/// </summary>
public interface IPluginConfig
{
    /// <summary>The section's dotted path, e.g. <c>plugins.rtmp</c>, as errors name its keys.</summary>
    string Path { get; }

    /// <summary>A string; <paramref name="defaultValue"/> when the key is absent.</summary>
    string GetString(string key, string defaultValue);

    /// <summary><c>true</c>/<c>false</c> (also yes/no, on/off).</summary>
    bool GetBool(string key, bool defaultValue);

    /// <summary>An integer within <paramref name="min"/>..<paramref name="max"/> (both included).</summary>
    int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue);

    /// <summary>A byte count written with a unit (<c>512KB</c>, <c>16MB</c>) within <paramref name="min"/>..<paramref name="max"/>.</summary>
    long GetSize(string key, long defaultValue, long min = 0, long max = long.MaxValue);

    /// <summary>A time span written with a unit (<c>350ms</c>, <c>10s</c>, <c>5m</c>) within the bounds given.</summary>
    TimeSpan GetDuration(string key, TimeSpan defaultValue, TimeSpan? min = null, TimeSpan? max = null);

    /// <summary>A list of scalars (a single scalar reads as a list of one).</summary>
    IReadOnlyList<string> GetList(string key);

    /// <summary>
    /// Reports a value the plugin refuses for a reason the typed reads do not cover. <paramref name="requirement"/>
    /// completes "<c>'plugins.rtmp.listen' ...</c>", e.g. <c>must be an IP address</c>; the host adds the value and
    /// its source. The plugin goes on with its default.
    /// </summary>
    void Report(string key, string requirement);
}
