using Lkm.Host.Configuration;
using Lkm.Sdk.Plugins;

namespace Lkm.Host.Plugins;

/// <summary>
/// A plugin's section of lkm.yaml as the plugin reads it: the host's typed reads, so a plugin key's error
/// is worded and positioned like a host key's, and gathered with the others of the start-up.
/// </summary>
public sealed class PluginConfig : IPluginConfig
{
    private readonly YamlSection _section;

    /// <param name="section">The plugin's section, gathering its errors where the host's are (<see cref="YamlSection.WithErrors"/>).</param>
    public PluginConfig(YamlSection section)
    {
        _section = section;
    }

    public string Path => _section.Path;

    public string GetString(string key, string defaultValue) => _section.GetString(key, defaultValue);

    public bool GetBool(string key, bool defaultValue) => _section.GetBool(key, defaultValue);

    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue) => _section.GetInt(key, defaultValue, min, max);

    public long GetSize(string key, long defaultValue, long min = 0, long max = long.MaxValue) => _section.GetSize(key, defaultValue, min, max);

    public TimeSpan GetDuration(string key, TimeSpan defaultValue, TimeSpan? min = null, TimeSpan? max = null) => _section.GetDuration(key, defaultValue, min, max);

    public IReadOnlyList<string> GetList(string key) => _section.GetList(key);

    public void Report(string key, string requirement) => _section.Refuse(key, requirement);

    /// <summary>Reports every key the plugin never read (a typo in lkm.yaml).</summary>
    public void ReportUnknownKeys() => _section.EnsureNoUnknownKeys();
}
