using System.Runtime.CompilerServices;
using Lkm.Host.Networking;
using Lkm.Host.Streaming;
using Lkm.Sdk.Plugins;
using McMaster.NETCore.Plugins;

namespace Lkm.Host.Plugins;

public enum PluginState
{
    /// <summary>Loaded and configured, not started yet (start-up).</summary>
    Loaded,

    /// <summary>Serving: its listeners, HTTP suffixes and muxers take new sessions.</summary>
    Running,

    /// <summary>Replaced or removed: takes no new sessions; the ones it has run until they end, then it is unloaded.</summary>
    Draining,

    /// <summary>Its load context was unloaded; nothing of it runs.</summary>
    Unloaded,

    /// <summary>Stopped with the server.</summary>
    Stopped,

    /// <summary>Refused at load, configure or start (see <see cref="LoadedPlugin.Reason"/>); a previous version, if any, kept serving.</summary>
    Failed,
}

/// <summary>
/// One version of a plugin loaded in its own collectible context (from a shadow copy of its folder), and its
/// running instance. Counts what still runs on it — sessions its listeners and HTTP handlers took, muxers its
/// factories made — so the host knows when a replaced version can be unloaded.
/// </summary>
public sealed class LoadedPlugin : IListenerOwner, ITransStreamOwner
{
    private int _sessions;
    private int _transStreams;
    private PluginLoader? _loader;
    private WeakReference? _loadContext;

    public LoadedPlugin(string name, int generation, string folder, string assemblyPath, Version? version, PluginLoader? loader, IProtocolPlugin? instance)
    {
        Name = name;
        Generation = generation;
        Folder = folder;
        AssemblyPath = assemblyPath;
        Version = version;
        _loader = loader;
        Instance = instance;
        if (loader is not null)
        {
            _loadContext = WeakContextOf(loader);
        }
    }

    public string Name { get; }

    /// <summary>Load sequence number, unique in the process: tells versions of one plugin apart.</summary>
    public int Generation { get; }

    /// <summary>The plugin's folder in the plugin directory (what the watcher follows).</summary>
    public string Folder { get; }

    /// <summary>The plugin assembly in <see cref="Folder"/> (it was loaded from a shadow copy of it).</summary>
    public string AssemblyPath { get; }

    public Version? Version { get; }

    public DateTime LoadedAt { get; } = DateTime.UtcNow;

    public PluginState State { get; set; } = PluginState.Loaded;

    /// <summary>Why it failed, or why it is draining; null otherwise.</summary>
    public string? Reason { get; set; }

    /// <summary>When it was unloaded; null before.</summary>
    public DateTime? UnloadedAt { get; private set; }

    /// <summary>The shadow copy it was loaded from; deleted once unloaded.</summary>
    public string? ShadowFolder { get; init; }

    /// <summary>The running instance; null once unloaded (or when it never loaded).</summary>
    public IProtocolPlugin? Instance { get; private set; }

    /// <summary>What it registered; null before start and once unloaded.</summary>
    public PluginContext? Context { get; set; }

    /// <summary>Sessions its listeners and HTTP handlers took that have not ended.</summary>
    public int LiveSessions => Volatile.Read(ref _sessions);

    /// <summary>Muxers of its trans stream factories that streams still use.</summary>
    public int LiveTransStreams => Volatile.Read(ref _transStreams);

    /// <summary>True once the load context is collected (false while anything still holds it, or when nothing was loaded).</summary>
    public bool IsCollected => _loadContext is { IsAlive: false };

    /// <summary>A weak reference to the load context (for tests and diagnostics): dead once it is collected.</summary>
    public WeakReference? LoadContextReference => _loadContext;

    string IListenerOwner.PluginName => Name;

    public void SessionStarted() => Interlocked.Increment(ref _sessions);

    public void SessionEnded() => Interlocked.Decrement(ref _sessions);

    public void TransStreamOpened() => Interlocked.Increment(ref _transStreams);

    public void TransStreamClosed() => Interlocked.Decrement(ref _transStreams);

    /// <summary>Unloads the load context and lets go of everything of the plugin's, so the context can be collected.</summary>
    public void Unload()
    {
        Context?.DisposeShutdownLink();
        Context = null;
        Instance = null;
        _loader?.Dispose();
        _loader = null;
        UnloadedAt = DateTime.UtcNow;
        State = PluginState.Unloaded;
    }

    // Not inlined: the strong reference to the context must not live on in this frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WeakContextOf(PluginLoader loader) => new(loader.LoadContext, trackResurrection: false);
}
