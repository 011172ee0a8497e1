using System.Net;
using System.Reflection;
using Lkm.Host.Configuration;
using Lkm.Host.Networking;
using Lkm.Host.Streaming;
using Lkm.Sdk.Plugins;
using Lkm.Sdk.Streaming;
using McMaster.NETCore.Plugins;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Plugins;

/// <summary>
/// Finds plugin folders in the plugin directory, loads each assembly into its own collectible load
/// context (the SDK, ASP.NET Core and logging are shared from the host), has its
/// <see cref="IProtocolPlugin"/> read its config section (<see cref="Configure"/>, before anything
/// starts) and then starts it (<see cref="StartAllAsync"/>). The host never names a plugin type.
/// </summary>
public sealed partial class PluginCatalog : IPluginRegistry, IAsyncDisposable
{
    private static readonly Type[] SharedTypes = [typeof(IProtocolPlugin), typeof(ILogger), typeof(HttpContext)];

    private readonly LkmConfig _config;
    private readonly IStreamHub _hub;
    private readonly HttpSuffixRouter _router;
    private readonly TransStreamRegistry _registry;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private readonly List<LoadedPlugin> _plugins = [];
    private bool _configured;

    /// <param name="shutdown">Cancelled when the host stops (plugins see it as <see cref="IPluginContext.ShuttingDown"/>).</param>
    public PluginCatalog(LkmConfig config, IStreamHub hub, HttpSuffixRouter router, TransStreamRegistry registry,
        ILoggerFactory loggerFactory, CancellationToken shutdown)
    {
        _config = config;
        _hub = hub;
        _router = router;
        _registry = registry;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Lkm.Plugins");
        _shutdown = shutdown;
    }

    [ActivatorUtilitiesConstructor]
    public PluginCatalog(LkmConfig config, IStreamHub hub, HttpSuffixRouter router, TransStreamRegistry registry,
        ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime)
        : this(config, hub, router, registry, loggerFactory, lifetime.ApplicationStopping)
    {
    }

    public IReadOnlyList<LoadedPlugin> Plugins => _plugins;

    public string Directory => Path.IsPathRooted(_config.Plugins.Dir) ? _config.Plugins.Dir : Path.Combine(AppContext.BaseDirectory, _config.Plugins.Dir);

    /// <summary>
    /// The configure step: loads every plugin folder and has each enabled plugin read its section, reporting bad
    /// values and unknown keys to <paramref name="errors"/> (with the host's own). Nothing is started or bound;
    /// a plugin that fails to load is logged and skipped.
    /// </summary>
    public void Configure(ConfigErrors errors)
    {
        if (_configured)
        {
            throw new InvalidOperationException("the plugins are configured once");
        }

        _configured = true;
        string dir = Directory;
        if (!System.IO.Directory.Exists(dir))
        {
            Log.NoPluginDirectory(_logger, dir);
            return;
        }

        foreach (string folder in System.IO.Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
        {
            ConfigureFolder(folder, errors);
        }

        foreach (var (name, section) in _config.Plugins.Sections)
        {
            if (_plugins.All(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                && ConfigKeys.Plugins.Enabled.Read(section.WithErrors(errors)))
            {
                Log.ConfiguredButMissing(_logger, name, dir);
            }
        }
    }

    /// <summary>
    /// Starts every configured plugin (configuring them first when <see cref="Configure"/> was not called, throwing
    /// their config errors). A plugin that fails to start is logged; a port it cannot bind stops start-up.
    /// </summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        if (!_configured)
        {
            var errors = new ConfigErrors();
            Configure(errors);
            errors.ThrowIfAny();
        }

        foreach (var plugin in _plugins.Where(p => p.State == PluginState.Loaded))
        {
            await StartAsync(plugin, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ConfigureFolder(string folder, ConfigErrors errors)
    {
        string? assemblyPath = FindAssembly(folder);
        if (assemblyPath is null)
        {
            Log.NoAssembly(_logger, folder);
            return;
        }

        PluginLoader loader;
        IProtocolPlugin instance;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: true, sharedTypes: SharedTypes, configure: c =>
            {
                c.PreferSharedTypes = true;

                // Eager loading walks every reference of the shared SDK (netstandard and beyond: Xml, Http,
                // Cryptography, Quic...) into memory; a plugin loads what it uses when it uses it.
                c.IsLazyLoaded = true;
            });
            var assembly = loader.LoadDefaultAssembly();
            var types = assembly.GetTypes()
                .Where(t => typeof(IProtocolPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false, IsPublic: true })
                .ToList();
            if (types.Count != 1)
            {
                Log.BadPluginAssembly(_logger, assemblyPath, $"expected one public IProtocolPlugin implementation, found {types.Count}");
                loader.Dispose();
                return;
            }

            instance = (IProtocolPlugin)Activator.CreateInstance(types[0])!;
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException or MissingMethodException or TargetInvocationException or InvalidCastException)
        {
            Log.LoadFailed(_logger, assemblyPath, ex);
            return;
        }

        string name = instance.Name;
        var section = (_config.Plugins.Sections.TryGetValue(name, out var s) ? s : new YamlSection(_config.FilePath, $"plugins.{name}", null)).WithErrors(errors);
        if (!ConfigKeys.Plugins.Enabled.Read(section))
        {
            Log.Disabled(_logger, name);
            loader.Dispose();
            return;
        }

        var config = new PluginConfig(section);
        var context = new PluginContext(config, _loggerFactory, _hub, _router, _registry, IPAddress.Parse(_config.Server.Listen), _shutdown);
        var version = instance.GetType().Assembly.GetName().Version;
        var plugin = new LoadedPlugin(name, assemblyPath, version, loader, instance, context);
        _plugins.Add(plugin);
        try
        {
            instance.Configure(config);
        }
        catch (Exception ex) when (ex is not ConfigException)
        {
            // A bug of the plugin, not a config mistake: it is left out like one that does not load.
            plugin.State = PluginState.Failed;
            Log.ConfigureFailed(_logger, name, ex);
            return;
        }

        config.ReportUnknownKeys();
    }

    private async Task StartAsync(LoadedPlugin plugin, CancellationToken cancellationToken)
    {
        try
        {
            await plugin.Instance.StartAsync(plugin.Context, cancellationToken).ConfigureAwait(false);
            plugin.State = PluginState.Running;
            Log.Started(_logger, plugin.Name, plugin.Version?.ToString() ?? "?", plugin.AssemblyPath);
        }
        catch (ConfigException)
        {
            // A section read at start, after the errors were reported: it stops start-up like any config error.
            plugin.State = PluginState.Failed;
            await plugin.Context.ReleaseAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            plugin.State = PluginState.Failed;
            await plugin.Context.ReleaseAsync().ConfigureAwait(false);
            if (ex is InvalidOperationException { InnerException: System.Net.Sockets.SocketException })
            {
                // A port it cannot listen on stops the server; LkmServer says why in one line, no stack.
                throw;
            }

            Log.StartFailed(_logger, plugin.Name, ex);
        }
    }

    private static string? FindAssembly(string folder)
    {
        string byName = Path.Combine(folder, Path.GetFileName(folder) + ".dll");
        if (File.Exists(byName))
        {
            return byName;
        }

        var candidates = System.IO.Directory.GetFiles(folder, "*.dll");
        return candidates.Length == 1 ? candidates[0] : null;
    }

    public async ValueTask DisposeAsync() => await StopAllAsync().ConfigureAwait(false);

    /// <summary>Stops every running plugin: its listeners and HTTP routes first, then the plugin itself.</summary>
    public async Task StopAllAsync()
    {
        foreach (var plugin in _plugins.Where(p => p.State == PluginState.Running))
        {
            try
            {
                await plugin.Context.ReleaseAsync().ConfigureAwait(false);
                await plugin.Instance.StopAsync(CancellationToken.None).ConfigureAwait(false);
                plugin.State = PluginState.Stopped;
            }
            catch (Exception ex)
            {
                Log.StopFailed(_logger, plugin.Name, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Plugin directory {Dir} does not exist: no protocol is served")]
        public static partial void NoPluginDirectory(ILogger logger, string dir);

        [LoggerMessage(2, LogLevel.Warning, "Plugin folder {Folder} has no plugin assembly (expected <folder name>.dll)")]
        public static partial void NoAssembly(ILogger logger, string folder);

        [LoggerMessage(3, LogLevel.Error, "Plugin {Path} refused: {Reason}")]
        public static partial void BadPluginAssembly(ILogger logger, string path, string reason);

        [LoggerMessage(4, LogLevel.Error, "Plugin {Path} could not be loaded")]
        public static partial void LoadFailed(ILogger logger, string path, Exception exception);

        [LoggerMessage(5, LogLevel.Information, "Plugin {Name} is disabled in the config")]
        public static partial void Disabled(ILogger logger, string name);

        [LoggerMessage(6, LogLevel.Information, "Plugin {Name} {Version} started from {Path}")]
        public static partial void Started(ILogger logger, string name, string version, string path);

        [LoggerMessage(7, LogLevel.Error, "Plugin {Name} failed to start")]
        public static partial void StartFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(8, LogLevel.Error, "Plugin {Name} failed to stop")]
        public static partial void StopFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(10, LogLevel.Error, "Plugin {Name} failed to read its config")]
        public static partial void ConfigureFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(9, LogLevel.Warning, "plugins.{Name} is configured but no such plugin was found in {Dir}")]
        public static partial void ConfiguredButMissing(ILogger logger, string name, string dir);
    }
}
