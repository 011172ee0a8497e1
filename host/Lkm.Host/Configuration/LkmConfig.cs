namespace Lkm.Host.Configuration;

/// <summary>The whole of lkm.yaml, validated.</summary>
public sealed record LkmConfig
{
    public required string FilePath { get; init; }

    public required ServerConfig Server { get; init; }

    public required LogConfig Log { get; init; }

    public required PluginsConfig Plugins { get; init; }

    /// <summary>The HTTP API, /metrics and the web console.</summary>
    public ApiConfig Api { get; init; } = new();

    /// <summary>Per-stream settings: routes over defaults over the <c>hooks:</c> section over the built-ins.</summary>
    public required Routing.RouteTable Routes { get; init; }

    /// <summary>The root section, kept so plugin sections read later can still report unknown keys.</summary>
    public required YamlSection Root { get; init; }
}

public sealed record ServerConfig
{
    /// <summary>HTTP port for HTTP-FLV, WS-FLV and (later) the API and console; 0 = off.</summary>
    public int Http { get; init; } = ConfigKeys.Server.Http.Default;

    /// <summary>Address every listener binds to.</summary>
    public string Listen { get; init; } = ConfigKeys.Server.Listen.Default;

    /// <summary>Address players are told to use in play URLs.</summary>
    public string PublicIp { get; init; } = ConfigKeys.Server.PublicIp.Default;

    /// <summary>
    /// Bytes allocated after which the host collects the young generations itself; 0 = the runtime's own
    /// budget, which it sizes from the CPU cache (tens of MiB on many VMs). See Memory/YoungGenerationBudget.
    /// </summary>
    public long GcYoungBudget { get; init; } = ConfigKeys.Server.GcYoungBudget.Default;
}

public sealed record LogConfig
{
    public string Level { get; init; } = ConfigKeys.Log.Level.Default;

    /// <summary>Optional rotating log file, a full path (written relative to lkm.yaml); empty = console only.</summary>
    public string File { get; init; } = ConfigKeys.Log.File.Default;

    public long MaxFileSize { get; init; } = ConfigKeys.Log.MaxFileSize.Default;

    public int MaxFiles { get; init; } = ConfigKeys.Log.MaxFiles.Default;
}

public sealed record PluginsConfig
{
    /// <summary>Plugin directory: a full path when written in lkm.yaml (relative to the file), else <c>plugins</c> beside the host binary.</summary>
    public string Dir { get; init; } = ConfigKeys.Plugins.Dir.Default;

    /// <summary>Each <c>plugins.&lt;name&gt;</c> mapping, read by the plugin of that name.</summary>
    public required IReadOnlyDictionary<string, YamlSection> Sections { get; init; }
}

public sealed record ApiConfig
{
    /// <summary>Bearer token every /api/ call (and /metrics) must carry; empty = no authentication.</summary>
    public string Token { get; init; } = ConfigKeys.Api.Token.Default;

    /// <summary>
    /// <c>address:port</c> of a separate listener serving only the API, /metrics and the console;
    /// empty = they are served on the media HTTP port (server.http).
    /// </summary>
    public string Listen { get; init; } = ConfigKeys.Api.Listen.Default;

    /// <summary>The parsed <see cref="Listen"/>; null when the API shares the media HTTP port.</summary>
    public System.Net.IPEndPoint? ListenEndPoint => Listen.Length == 0 ? null : System.Net.IPEndPoint.Parse(Listen);
}
