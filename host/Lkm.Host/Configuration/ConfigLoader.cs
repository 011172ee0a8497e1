using Lkm.Host.Hooks;
using Lkm.Host.Routing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lkm.Host.Configuration;

/// <summary>Reads and validates lkm.yaml, applying <c>--set key.path=value</c> overrides from the command line.</summary>
public static class ConfigLoader
{
    public static LkmConfig Load(string path, IReadOnlyList<KeyValuePair<string, string>>? overrides = null)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ConfigException(path, 0, 0, "config file not found");
        }

        return Parse(File.ReadAllText(fullPath), fullPath, overrides);
    }

    public static LkmConfig Parse(string yaml, string fileName, IReadOnlyList<KeyValuePair<string, string>>? overrides = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigException(fileName, ex.Start.Line, ex.Start.Column, ex.InnerException?.Message ?? ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input instead of a positioned YamlException.
            throw new ConfigException(fileName, 0, 0, "the file is not valid YAML: " + ex.Message);
        }

        YamlMappingNode rootNode = stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode switch
        {
            YamlMappingNode map => map,
            YamlScalarNode { Value: null or "" } => new YamlMappingNode(),
            var other => throw new ConfigException(fileName, other.Start.Line, other.Start.Column, "the top level must be a mapping of sections"),
        };

        foreach (var (key, value) in overrides ?? [])
        {
            ApplyOverride(rootNode, key, value);
        }

        var root = new YamlSection(fileName, "", rootNode);
        var server = root.Section("server");
        var log = root.Section("log");
        var plugins = root.Section("plugins");
        var defaults = root.Section("defaults");
        var hooks = root.Section("hooks");
        var api = root.Section("api");
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".";

        var config = new LkmConfig
        {
            FilePath = fileName,
            Root = root,
            Server = new ServerConfig
            {
                Http = server.GetInt("http", 8080, 0, 65535),
                Listen = server.GetString("listen", "0.0.0.0"),
                PublicIp = server.GetString("public_ip", "127.0.0.1"),
                GcYoungBudget = server.GetSize("gc_young_budget", ServerConfig.DefaultGcYoungBudget),
            },
            Log = new LogConfig
            {
                Level = log.GetEnum("level", "info", LogLevels),
                File = log.GetString("file", ""),
                MaxFileSize = log.GetSize("max_file_size", 10 * 1024 * 1024),
                MaxFiles = log.GetInt("max_files", 5, 1, 1000),
            },
            Plugins = new PluginsConfig
            {
                Dir = plugins.GetString("dir", "plugins"),
                Sections = plugins.Keys.Where(k => k != "dir").ToDictionary(k => k, k => { plugins.MarkRead(k); return plugins.Section(k); }),
            },
            Routes = ReadRoutes(root, defaults, hooks, baseDir),
            Api = new ApiConfig
            {
                Token = api.GetString("token", ""),
                Listen = api.GetString("listen", "").Trim(),
            },
        };

        if (!System.Net.IPAddress.TryParse(config.Server.Listen, out _))
        {
            throw root.Section("server").Error("listen", $"'server.listen' must be an IP address, not '{config.Server.Listen}'");
        }

        if (config.Api.Listen.Length > 0 && (!System.Net.IPEndPoint.TryParse(config.Api.Listen, out var apiEndPoint) || apiEndPoint.Port == 0))
        {
            throw api.Error("listen", $"'api.listen' must be address:port (e.g. 127.0.0.1:8081) or empty, not '{config.Api.Listen}'");
        }

        server.EnsureNoUnknownKeys();
        api.EnsureNoUnknownKeys();
        log.EnsureNoUnknownKeys();
        plugins.EnsureNoUnknownKeys();
        defaults.EnsureNoUnknownKeys();
        hooks.EnsureNoUnknownKeys();
        root.EnsureNoUnknownKeys();
        return config;
    }

    private static RouteTable ReadRoutes(YamlSection root, YamlSection defaults, YamlSection hooks, string baseDir)
    {
        // The hooks: section gives the script, time limit and error policy every stream starts from.
        var hookSettings = new StreamSettings
        {
            HookScript = hooks.Has("script") ? StreamSettings.ResolveScript(hooks, "script", baseDir) : null,
            HookTimeout = hooks.Has("timeout") ? PositiveDuration(hooks, "timeout") : null,
            OnError = hooks.Has("on_error") ? hooks.GetEnum("on_error", HookErrorPolicy.Deny, StreamSettings.ErrorPolicies) : null,
        };
        hooks.MarkRead("script");
        hooks.MarkRead("timeout");
        hooks.MarkRead("on_error");

        var defaultSettings = StreamSettings.Read(defaults, baseDir).Over(hookSettings);
        var routes = new List<RouteConfig>();
        foreach (var route in root.Sections("routes"))
        {
            string match = route.GetString("match", "");
            if (match.Length == 0)
            {
                throw route.Node is { } node ? route.Error(node, $"'{route.Path}' needs a 'match:' pattern (e.g. live/**)") : new ConfigException(route.File, 0, 0, $"'{route.Path}' needs a 'match:' pattern");
            }

            var settings = StreamSettings.Read(route, baseDir);
            route.EnsureNoUnknownKeys();
            routes.Add(new RouteConfig(new RoutePattern(match), settings));
        }

        return new RouteTable(defaultSettings, routes);
    }

    private static TimeSpan PositiveDuration(YamlSection s, string key)
    {
        var value = s.GetDuration(key, TimeSpan.FromSeconds(1));
        if (value < TimeSpan.FromMilliseconds(10) || value > TimeSpan.FromMinutes(5))
        {
            throw s.Error(key, $"'{s.KeyPath(key)}' must be between 10ms and 5m");
        }

        return value;
    }

    /// <summary>Sets <c>a.b.c</c> to a scalar, creating mappings on the way (command-line overrides, e.g. test ports).</summary>
    private static void ApplyOverride(YamlMappingNode root, string dottedKey, string value)
    {
        string[] parts = dottedKey.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ConfigException("command line", 0, 0, $"bad override '{dottedKey}={value}'");
        }

        var node = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var key = new YamlScalarNode(parts[i]);
            if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode map)
            {
                map = new YamlMappingNode();
                node.Children[key] = map;
            }

            node = map;
        }

        node.Children[new YamlScalarNode(parts[^1])] = new YamlScalarNode(value);
    }

    private static readonly Dictionary<string, string> LogLevels = new()
    {
        ["trace"] = "trace", ["debug"] = "debug", ["info"] = "info", ["warn"] = "warn", ["error"] = "error", ["off"] = "off",
    };
}
