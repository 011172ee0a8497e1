using System.Net;
using System.Reflection;
using Lkm.Host.Api;
using Lkm.Host.Configuration;
using Lkm.Host.Routing;
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
/// The plugins of the plugin directory, each version in its own collectible load context loaded from a shadow
/// copy of its folder (the SDK, ASP.NET Core and logging are shared from the host). At start every folder is
/// loaded and configured (<see cref="Configure"/>, errors gathered with the host's) and then started
/// (<see cref="StartAllAsync"/>). From then on the directory is followed: a new folder is loaded and started; a
/// changed one is loaded as a new version that takes over the old one's ports, HTTP suffixes and muxer factories
/// while the old one drains its sessions and is then unloaded; a removed one drains and unloads. A version that
/// cannot load, has config errors or fails to start is refused with its reason, and the one before keeps
/// serving. The host never names a plugin type.
/// </summary>
public sealed partial class PluginCatalog : IPluginRegistry, IAsyncDisposable
{
    private static readonly Type[] SharedTypes = [typeof(IProtocolPlugin), typeof(ILogger), typeof(HttpContext)];

    // Finished versions (unloaded, failed, stopped) kept per plugin for the API's record.
    private const int FinishedKept = 4;

    private static int s_generation;

    private readonly LkmConfig _config;
    private readonly IStreamHub _hub;
    private readonly PluginHostParts _parts;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private readonly PluginCatalogOptions _options;
    private readonly List<LoadedPlugin> _plugins = [];
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Lazy<PluginShadowCopy> _shadow;
    private PluginDirectoryWatcher? _watcher;
    private Timer? _drainTimer;
    private bool _configured;
    private bool _stopped;
    private long _swaps;
    private long _refused;

    /// <param name="shutdown">Cancelled when the host stops (plugins see it as <see cref="IPluginContext.ShuttingDown"/>).</param>
    public PluginCatalog(LkmConfig config, IStreamHub hub, HttpSuffixRouter router, TransStreamRegistry registry,
        ILoggerFactory loggerFactory, CancellationToken shutdown, PluginCatalogOptions? options = null, ListenerTable? listeners = null,
        PluginApiRouter? apis = null, PlayUrlTemplates? playUrls = null, PortPoolTable? portPools = null)
    {
        _config = config;
        _hub = hub;
        _parts = new PluginHostParts(router, registry, listeners ?? new ListenerTable(), apis ?? new PluginApiRouter(), playUrls ?? new PlayUrlTemplates(),
            portPools ?? new PortPoolTable());
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Lkm.Plugins");
        _shutdown = shutdown;
        _options = options ?? new PluginCatalogOptions();
        _shadow = new Lazy<PluginShadowCopy>(() => new PluginShadowCopy(_options.ShadowDirectory));
    }

    [ActivatorUtilitiesConstructor]
    public PluginCatalog(LkmConfig config, IStreamHub hub, HttpSuffixRouter router, TransStreamRegistry registry,
        ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime, PluginCatalogOptions options, ListenerTable listeners,
        PluginApiRouter apis, PlayUrlTemplates playUrls, PortPoolTable portPools)
        : this(config, hub, router, registry, loggerFactory, lifetime.ApplicationStopping, options, listeners, apis, playUrls, portPools)
    {
    }

    public IReadOnlyList<LoadedPlugin> Plugins
    {
        get
        {
            lock (_plugins)
            {
                return [.. _plugins];
            }
        }
    }

    public long Swaps => Interlocked.Read(ref _swaps);

    /// <summary>The port pools of the plugin named <paramref name="name"/> (shared by its versions).</summary>
    public IReadOnlyList<PortPool> PortPoolsOf(string name) => _parts.PortPools.Of(name);

    public long RefusedLoads => Interlocked.Read(ref _refused);

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
            if (Load(folder) is { State: PluginState.Loaded } plugin && ConfigureLoaded(plugin, _config, errors) && plugin.State == PluginState.Failed)
            {
                Interlocked.Increment(ref _refused);
            }
        }

        foreach (var (name, section) in _config.Plugins.Sections)
        {
            if (Plugins.All(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                && ConfigKeys.Plugins.Enabled.Read(section.WithErrors(errors)))
            {
                Log.ConfiguredButMissing(_logger, name, dir);
            }
        }
    }

    /// <summary>
    /// Starts every configured plugin (configuring them first when <see cref="Configure"/> was not called, throwing
    /// their config errors), then follows the plugin directory. A plugin that fails to start is logged; a port it
    /// cannot bind stops start-up.
    /// </summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        if (!_configured)
        {
            var errors = new ConfigErrors();
            Configure(errors);
            errors.ThrowIfAny();
        }

        foreach (var plugin in Plugins.Where(p => p.State == PluginState.Loaded))
        {
            try
            {
                await StartLoadedAsync(plugin, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ConfigException || IsBindFailure(ex))
            {
                // A section read at start, or a port it cannot listen on: the server stops, LkmServer says why in one line.
                throw;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _refused);
                Log.StartFailed(_logger, plugin.Name, ex);
            }
        }

        if (_options.Watch)
        {
            _watcher = new PluginDirectoryWatcher(Directory, ApplyFolderAsync, RemoveFolderAsync, _options.WatchInterval);
        }

        _drainTimer = new Timer(_ => UnloadDrained(), null, _options.DrainCheckInterval, _options.DrainCheckInterval);
    }

    /// <summary>Loads a folder's assembly from a shadow copy and creates its plugin; a failure is a <see cref="PluginState.Failed"/> entry with its reason.</summary>
    private LoadedPlugin? Load(string folder)
    {
        string? assemblyPath = FindAssembly(folder);
        if (assemblyPath is null)
        {
            Log.NoAssembly(_logger, folder);
            return null;
        }

        int generation = Interlocked.Increment(ref s_generation);
        string shadow;
        try
        {
            shadow = _shadow.Value.Copy(folder, generation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(folder, assemblyPath, generation, $"could not be copied for loading: {ex.Message}", null);
        }

        string shadowAssembly = Path.Combine(shadow, Path.GetRelativePath(folder, assemblyPath));
        if (SdkCompatibility.Check(shadowAssembly) is { } incompatible)
        {
            PluginShadowCopy.Remove(shadow);
            return Failed(folder, assemblyPath, generation, incompatible, null);
        }

        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(shadowAssembly, isUnloadable: true, sharedTypes: SharedTypes, configure: c =>
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
                loader.Dispose();
                PluginShadowCopy.Remove(shadow);
                return Failed(folder, assemblyPath, generation, $"expected one public IProtocolPlugin implementation, found {types.Count}", null);
            }

            var instance = (IProtocolPlugin)Activator.CreateInstance(types[0])!;
            var plugin = new LoadedPlugin(instance.Name, generation, folder, assemblyPath, types[0].Assembly.GetName().Version, loader, instance) { ShadowFolder = shadow };
            Add(plugin);
            return plugin;
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException or MissingMethodException or TargetInvocationException or InvalidCastException)
        {
            loader?.Dispose();
            PluginShadowCopy.Remove(shadow);
            return Failed(folder, assemblyPath, generation, LoadFailure(ex), ex);
        }
    }

    /// <summary>Has an enabled plugin read its section; false (and the version unloaded) when the config disables it.</summary>
    private bool ConfigureLoaded(LoadedPlugin plugin, LkmConfig config, ConfigErrors errors)
    {
        string name = plugin.Name;
        var section = (config.Plugins.Sections.TryGetValue(name, out var s) ? s : new YamlSection(config.FilePath, $"plugins.{name}", null)).WithErrors(errors);
        if (!ConfigKeys.Plugins.Enabled.Read(section))
        {
            Log.Disabled(_logger, name);
            Remove(plugin);
            plugin.Unload();
            PluginShadowCopy.Remove(plugin.ShadowFolder);
            return false;
        }

        var pluginConfig = new PluginConfig(section);
        plugin.Context = new PluginContext(plugin, pluginConfig, _loggerFactory, _hub, _parts, new ServerAddresses(IPAddress.Parse(config.Server.Listen), config.Server.PublicIp, config.Server.Http), _shutdown);
        try
        {
            plugin.Instance!.Configure(pluginConfig);
        }
        catch (Exception ex) when (ex is not ConfigException)
        {
            // A bug of the plugin, not a config mistake: it is left out like one that does not load.
            plugin.State = PluginState.Failed;
            plugin.Reason = $"failed to read its config: {ex.GetType().Name}: {ex.Message}";
            Log.ConfigureFailed(_logger, name, ex);
            return true;
        }

        pluginConfig.ReportUnknownKeys();
        return true;
    }

    /// <summary>Starts a configured version and puts it in force; on failure takes back what it bound and rethrows.</summary>
    private async Task StartLoadedAsync(LoadedPlugin plugin, CancellationToken cancellationToken)
    {
        var context = plugin.Context!;
        try
        {
            await plugin.Instance!.StartAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            plugin.State = PluginState.Failed;
            plugin.Reason = $"failed to start: {ex.GetType().Name}: {ex.Message}";
            await context.ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        context.Commit();
        plugin.State = PluginState.Running;
        Log.Started(_logger, plugin.Name, Show(plugin.Version), plugin.AssemblyPath, plugin.Generation);
    }

    private LoadedPlugin Failed(string folder, string assemblyPath, int generation, string reason, Exception? exception)
    {
        var plugin = new LoadedPlugin(Path.GetFileName(folder), generation, folder, assemblyPath, null, null, null) { State = PluginState.Failed, Reason = reason };
        Interlocked.Increment(ref _refused);
        Log.Refused(_logger, plugin.Name, assemblyPath, reason, exception);
        Add(plugin);
        Prune(plugin.Name);
        return plugin;
    }

    private static string LoadFailure(Exception ex) => ex switch
    {
        ReflectionTypeLoadException rtl => "a type could not be loaded: " + string.Join("; ", rtl.LoaderExceptions.Where(e => e is not null).Select(e => e!.Message).Distinct().Take(3)),
        FileNotFoundException fnf => $"a dependency is missing: {fnf.FileName ?? fnf.Message}",
        BadImageFormatException => $"not a valid .NET assembly: {ex.Message}",
        TargetInvocationException { InnerException: { } inner } => $"its constructor threw {inner.GetType().Name}: {inner.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private LkmConfig CurrentConfig()
    {
        if (_options.ReloadConfig is null)
        {
            return _config;
        }

        try
        {
            return _options.ReloadConfig();
        }
        catch (ConfigException ex)
        {
            Log.ConfigUnreadable(_logger, ex.Message);
            return _config;
        }
    }

    private void Add(LoadedPlugin plugin)
    {
        lock (_plugins)
        {
            _plugins.Add(plugin);
        }
    }

    private void Remove(LoadedPlugin plugin)
    {
        lock (_plugins)
        {
            _plugins.Remove(plugin);
        }
    }

    /// <summary>Keeps the last few finished versions of a plugin; the live ones always stay.</summary>
    private void Prune(string name)
    {
        lock (_plugins)
        {
            var finished = _plugins.Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.State is PluginState.Unloaded or PluginState.Failed or PluginState.Stopped).ToList();
            foreach (var old in finished.Take(Math.Max(0, finished.Count - FinishedKept)))
            {
                _plugins.Remove(old);
            }
        }
    }

    private static bool IsBindFailure(Exception ex) => ex is InvalidOperationException { InnerException: System.Net.Sockets.SocketException };

    private static string Show(Version? version) => version?.ToString() ?? "?";

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

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync().ConfigureAwait(false);
        if (_shadow.IsValueCreated)
        {
            _shadow.Value.Dispose();
        }
    }

    /// <summary>Stops following the directory, then stops every running and draining version: its listeners and HTTP routes first, then the plugin itself.</summary>
    public async Task StopAllAsync()
    {
        _watcher?.Dispose();
        if (_drainTimer is not null)
        {
            await _drainTimer.DisposeAsync().ConfigureAwait(false);
        }

        await _changes.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _stopped = true;
            foreach (var plugin in Plugins.Where(p => p.State is PluginState.Running or PluginState.Draining))
            {
                try
                {
                    bool draining = plugin.State == PluginState.Draining;
                    await plugin.Context!.ReleaseAsync().ConfigureAwait(false);
                    if (!draining)
                    {
                        await plugin.Instance!.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    }

                    plugin.State = PluginState.Stopped;
                }
                catch (Exception ex)
                {
                    Log.StopFailed(_logger, plugin.Name, ex);
                }
            }
        }
        finally
        {
            _changes.Release();
        }
    }
}
