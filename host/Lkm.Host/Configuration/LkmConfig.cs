namespace Lkm.Host.Configuration;

/// <summary>The whole of lkm.yaml, validated.</summary>
public sealed record LkmConfig
{
    public required string FilePath { get; init; }

    public required ServerConfig Server { get; init; }

    public required LogConfig Log { get; init; }

    public required PluginsConfig Plugins { get; init; }

    /// <summary>Per-stream settings: routes over defaults over the <c>hooks:</c> section over the built-ins.</summary>
    public required Routing.RouteTable Routes { get; init; }

    /// <summary>The root section, kept so plugin sections read later can still report unknown keys.</summary>
    public required YamlSection Root { get; init; }
}

public sealed record ServerConfig
{
    /// <summary>HTTP port for HTTP-FLV, WS-FLV and (later) the API and console; 0 = off.</summary>
    public int Http { get; init; } = 8080;

    /// <summary>Address every listener binds to.</summary>
    public string Listen { get; init; } = "0.0.0.0";

    /// <summary>Address players are told to use in play URLs.</summary>
    public string PublicIp { get; init; } = "127.0.0.1";
}

public sealed record LogConfig
{
    public string Level { get; init; } = "info";

    /// <summary>Optional rotating log file; empty = console only.</summary>
    public string File { get; init; } = "";

    public long MaxFileSize { get; init; } = 10 * 1024 * 1024;

    public int MaxFiles { get; init; } = 5;
}

public sealed record PluginsConfig
{
    /// <summary>Plugin directory; relative paths are relative to the host binary.</summary>
    public string Dir { get; init; } = "plugins";

    /// <summary>Each <c>plugins.&lt;name&gt;</c> mapping, read by the plugin of that name.</summary>
    public required IReadOnlyDictionary<string, YamlSection> Sections { get; init; }
}
