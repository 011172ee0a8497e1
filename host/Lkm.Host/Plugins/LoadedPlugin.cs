using McMaster.NETCore.Plugins;
using Lkm.Sdk.Plugins;

namespace Lkm.Host.Plugins;

public enum PluginState
{
    Loaded,
    Running,
    Stopped,
    Failed,
}

/// <summary>One plugin assembly loaded in its own collectible context, and its running instance.</summary>
public sealed class LoadedPlugin
{
    public LoadedPlugin(string name, string assemblyPath, Version? version, PluginLoader loader, IProtocolPlugin instance, PluginContext context)
    {
        Name = name;
        AssemblyPath = assemblyPath;
        Version = version;
        Loader = loader;
        Instance = instance;
        Context = context;
    }

    public string Name { get; }

    public string AssemblyPath { get; }

    public Version? Version { get; }

    public PluginLoader Loader { get; }

    public IProtocolPlugin Instance { get; }

    public PluginContext Context { get; }

    public PluginState State { get; set; } = PluginState.Loaded;
}
