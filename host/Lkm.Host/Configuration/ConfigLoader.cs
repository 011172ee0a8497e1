using Lkm.Host.Routing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lkm.Host.Configuration;

/// <summary>Reads and validates lkm.yaml, applying <c>--set key.path=value</c> overrides from the command line.</summary>
public static class ConfigLoader
{
    public static LkmConfig Load(string path, IReadOnlyList<KeyValuePair<string, string>>? overrides = null)
    {
        var errors = new ConfigErrors();
        var config = Load(path, overrides, errors);
        errors.ThrowIfAny();
        return config;
    }

    /// <summary>
    /// Reads the file, gathering bad values in <paramref name="errors"/> (each reads as its default) and leaving
    /// them open, so the plugins' sections can join them before anything is reported. A file that is missing or
    /// is not YAML throws at once.
    /// </summary>
    public static LkmConfig Load(string path, IReadOnlyList<KeyValuePair<string, string>>? overrides, ConfigErrors errors)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw NotFound(path, fullPath, Environment.CurrentDirectory);
        }

        return Parse(File.ReadAllText(fullPath), fullPath, overrides, errors);
    }

    public static LkmConfig Parse(string yaml, string fileName, IReadOnlyList<KeyValuePair<string, string>>? overrides = null)
    {
        var errors = new ConfigErrors();
        var config = Parse(yaml, fileName, overrides, errors);
        errors.ThrowIfAny();
        return config;
    }

    /// <summary>Parses <paramref name="yaml"/>, gathering bad values in <paramref name="errors"/> without throwing them.</summary>
    public static LkmConfig Parse(string yaml, string fileName, IReadOnlyList<KeyValuePair<string, string>>? overrides, ConfigErrors errors)
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

        var origins = ConfigOverrides.Apply(rootNode, overrides);
        var root = new YamlSection(fileName, "", rootNode, origins, errors);
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
                Http = ConfigKeys.Server.Http.Read(server),
                Listen = ConfigKeys.Server.Listen.Read(server),
                PublicIp = ConfigKeys.Server.PublicIp.Read(server),
                GcYoungBudget = ConfigKeys.Server.GcYoungBudget.Read(server),
            },
            Log = new LogConfig
            {
                Level = ConfigKeys.Log.Level.Read(log),
                File = BesideFile(baseDir, ConfigKeys.Log.File.Read(log)),
                MaxFileSize = ConfigKeys.Log.MaxFileSize.Read(log),
                MaxFiles = ConfigKeys.Log.MaxFiles.Read(log),
            },
            Plugins = new PluginsConfig
            {
                // Unset, the plugins are the ones built beside the binary (dotnet run finds them there);
                // a written folder is relative to lkm.yaml like every other path in it.
                Dir = plugins.Has(ConfigKeys.Plugins.Dir.Name) ? BesideFile(baseDir, ConfigKeys.Plugins.Dir.Read(plugins)) : ConfigKeys.Plugins.Dir.Default,
                Sections = plugins.Keys.Where(k => k != ConfigKeys.Plugins.Dir.Name).ToDictionary(k => k, k => { plugins.MarkRead(k); return plugins.Section(k); }),
            },
            Routes = ReadRoutes(root, defaults, hooks, baseDir),
            Api = new ApiConfig
            {
                Token = ConfigKeys.Api.Token.Read(api),
                Listen = ConfigKeys.Api.Listen.Read(api).Trim(),
            },
        };

        // A refused value reads as its default, like a bad value of the typed reads, so the config is usable until the errors are reported.
        if (!System.Net.IPAddress.TryParse(config.Server.Listen, out _))
        {
            server.Refuse(ConfigKeys.Server.Listen.Name, "must be an IP address");
            config = config with { Server = config.Server with { Listen = ConfigKeys.Server.Listen.Default } };
        }

        if (config.Api.Listen.Length > 0 && (!System.Net.IPEndPoint.TryParse(config.Api.Listen, out var apiEndPoint) || apiEndPoint.Port == 0))
        {
            api.Refuse(ConfigKeys.Api.Listen.Name, "must be address:port (e.g. 127.0.0.1:8081) or empty");
            config = config with { Api = config.Api with { Listen = ConfigKeys.Api.Listen.Default } };
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
        var script = ConfigKeys.Hooks.Script;
        var timeout = ConfigKeys.Hooks.Timeout;
        var onError = ConfigKeys.Hooks.OnError;
        var hookSettings = new StreamSettings
        {
            HookScript = hooks.Has(script.Name) ? StreamSettings.ResolveScript(hooks, script.Name, baseDir) : null,
            HookTimeout = hooks.Has(timeout.Name) ? BoundedDuration(hooks, timeout) : null,
            OnError = hooks.Has(onError.Name) ? onError.Read(hooks) : null,
        };
        hooks.MarkRead(script.Name);
        hooks.MarkRead(timeout.Name);
        hooks.MarkRead(onError.Name);

        var defaultSettings = StreamSettings.Read(defaults, baseDir).Over(hookSettings);
        var routes = new List<RouteConfig>();
        foreach (var route in root.Sections("routes"))
        {
            string match = route.GetString(ConfigKeys.Routes.Match.Name, "");
            if (match.Length == 0)
            {
                route.Report(route.Node is { } node ? route.Error(node, $"'{route.Path}' needs a 'match:' pattern (e.g. live/**)") : new ConfigException(route.File, 0, 0, $"'{route.Path}' needs a 'match:' pattern"));
            }

            // Read even without a pattern, so its other errors are reported in the same go.
            var settings = StreamSettings.Read(route, baseDir);
            route.EnsureNoUnknownKeys();
            if (match.Length > 0)
            {
                routes.Add(new RouteConfig(new RoutePattern(match), settings));
            }
        }

        return new RouteTable(defaultSettings, routes);
    }

    private static TimeSpan? BoundedDuration(YamlSection s, DurationKey key)
    {
        var value = s.GetDuration(key.Name, key.Default);
        if (value < key.Min || value > key.Max)
        {
            s.Report(s.Error(key.Name, $"'{s.KeyPath(key.Name)}' must be between {ConfigValues.FormatDuration(key.Min!.Value)} and {ConfigValues.FormatDuration(key.Max!.Value)}"));
            return null;
        }

        return value;
    }

    /// <summary>
    /// The file is missing: the full path tried, and for a relative path where it was resolved. The Web SDK's
    /// <c>dotnet run</c> runs the host in its project folder (not the caller's), which surprises a relative --config.
    /// </summary>
    internal static ConfigException NotFound(string path, string fullPath, string currentDirectory)
    {
        string why = "";
        if (!Path.IsPathRooted(path))
        {
            why = $" (a relative --config is resolved against the current directory, {currentDirectory}";
            why += File.Exists(Path.Combine(currentDirectory, "Lkm.Host.csproj"))
                ? $"; `dotnet run --project host/Lkm.Host` runs in the project folder, not the one it was started from: give a full path, e.g. --config \"$PWD/{path}\")"
                : ")";
        }

        return new ConfigException(fullPath, 0, 0, "config file not found" + why);
    }

    /// <summary>A path written in lkm.yaml, made full relative to the file's folder; "" stays "" (none).</summary>
    private static string BesideFile(string baseDir, string path) =>
        path.Length == 0 || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDir, path));

}
