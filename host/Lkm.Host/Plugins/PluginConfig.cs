using Lkm.Host.Configuration;
using Lkm.Sdk.Plugins;

namespace Lkm.Host.Plugins;

/// <summary>A plugin's section of lkm.yaml; reads are typed and validated with file/line/column errors.</summary>
public sealed class PluginConfig : IPluginConfig
{
    private readonly YamlSection _section;

    public PluginConfig(YamlSection section)
    {
        _section = section;
    }

    public T Get<T>(string key, T defaultValue)
    {
        object? value = defaultValue switch
        {
            int d => _section.GetInt(key, d),
            long d => _section.GetSize(key, d),
            bool d => _section.GetBool(key, d),
            double d => _section.GetDouble(key, d),
            TimeSpan d => _section.GetDuration(key, d),
            string d => _section.GetString(key, d),
            null when typeof(T) == typeof(string) => _section.Has(key) ? _section.GetString(key, "") : null,
            _ => throw new NotSupportedException($"config type {typeof(T).Name} is not supported (key '{_section.KeyPath(key)}')"),
        };
        return (T)value!;
    }

    public IReadOnlyList<string> GetList(string key) => _section.GetList(key);

    public Exception Error(string key, string message) => _section.Error(key, $"'{_section.KeyPath(key)}' {message}");

    /// <summary>Throws for a key the plugin never read (a typo in lkm.yaml).</summary>
    public void EnsureNoUnknownKeys() => _section.EnsureNoUnknownKeys();
}
