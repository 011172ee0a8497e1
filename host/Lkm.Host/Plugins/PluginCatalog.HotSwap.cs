using Lkm.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Plugins;

/// <summary>The catalog while the server runs: folders applied as new versions, removed, reloaded; old versions drained and unloaded.</summary>
public sealed partial class PluginCatalog
{
    /// <summary>
    /// A folder is new or changed: loads it as a new version and swaps it in (or refuses it, leaving the running
    /// version as it is). Called by the directory watcher; tests call it to step.
    /// </summary>
    public async Task<LoadedPlugin?> ApplyFolderAsync(string folder)
    {
        await _changes.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return null;
            }

            var plugin = Load(folder);
            if (plugin is null || plugin.State == PluginState.Failed)
            {
                return plugin;
            }

            var config = CurrentConfig();
            var errors = new ConfigErrors();
            if (!ConfigureLoaded(plugin, config, errors))
            {
                return null;
            }

            if (plugin.State == PluginState.Failed)
            {
                Refuse(plugin, plugin.Reason ?? "failed to read its config");
                return plugin;
            }

            try
            {
                errors.ThrowIfAny();
            }
            catch (ConfigException ex)
            {
                Refuse(plugin, "config errors: " + ex.Message);
                return plugin;
            }

            var previous = Plugins.Where(p => p.State == PluginState.Running && string.Equals(p.Name, plugin.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            try
            {
                await StartLoadedAsync(plugin, _shutdown).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Refuse(plugin, $"failed to start: {ex.GetType().Name}: {ex.Message}", ex);
                return plugin;
            }

            foreach (var old in previous)
            {
                Interlocked.Increment(ref _swaps);
                Log.Swapped(_logger, plugin.Name, Show(old.Version), old.Generation, Show(plugin.Version), plugin.Generation, old.LiveSessions);
                await RetireAsync(old, $"replaced by {Show(plugin.Version)} (generation {plugin.Generation})").ConfigureAwait(false);
            }

            return plugin;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>A folder was removed: its running version stops taking sessions, drains, then unloads.</summary>
    public async Task RemoveFolderAsync(string folder)
    {
        await _changes.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var plugin in Plugins.Where(p => p.State == PluginState.Running && string.Equals(p.Folder, folder, StringComparison.Ordinal)))
            {
                Log.FolderRemoved(_logger, plugin.Name, folder, plugin.LiveSessions);
                await RetireAsync(plugin, "its folder was removed").ConfigureAwait(false);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task<LoadedPlugin?> ReloadAsync(string name, CancellationToken cancellationToken)
    {
        var known = Plugins.LastOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.State == PluginState.Running)
            ?? Plugins.LastOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            return null;
        }

        // The watcher is left as it is: the folder it already applied stays applied, so it does not load it a second time.
        Log.ReloadAsked(_logger, known.Name, known.Folder);
        return await ApplyFolderAsync(known.Folder).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unloads draining versions that have nothing left running (the drain timer's work; tests call it to step).</summary>
    public void UnloadDrained()
    {
        foreach (var plugin in Plugins.Where(p => p.State == PluginState.Draining && p.LiveSessions <= 0 && p.LiveTransStreams <= 0))
        {
            lock (plugin)
            {
                if (plugin.State != PluginState.Draining)
                {
                    continue;
                }

                plugin.Unload();
            }

            PluginShadowCopy.Remove(plugin.ShadowFolder);
            Log.Unloaded(_logger, plugin.Name, Show(plugin.Version), plugin.Generation);
            Prune(plugin.Name);
        }
    }

    /// <summary>Takes a version out of service: no new sessions reach it; the ones it has run on until they end.</summary>
    private async Task RetireAsync(LoadedPlugin plugin, string reason)
    {
        plugin.State = PluginState.Draining;
        plugin.Reason = reason;
        if (plugin.Context is { } context)
        {
            await context.ReleaseAsync().ConfigureAwait(false);
        }

        try
        {
            await plugin.Instance!.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StopFailed(_logger, plugin.Name, ex);
        }

        Log.Draining(_logger, plugin.Name, Show(plugin.Version), plugin.Generation, plugin.LiveSessions, plugin.LiveTransStreams, reason);
        UnloadDrained();
    }

    /// <summary>A hot-loaded version the host will not run: logged, counted, unloaded; the running one stays.</summary>
    private void Refuse(LoadedPlugin plugin, string reason, Exception? exception = null)
    {
        Interlocked.Increment(ref _refused);
        plugin.State = PluginState.Failed;
        plugin.Reason = reason;
        Log.Refused(_logger, plugin.Name, plugin.AssemblyPath, reason, exception);
        lock (plugin)
        {
            plugin.Unload();
            plugin.State = PluginState.Failed;
        }

        PluginShadowCopy.Remove(plugin.ShadowFolder);
        Prune(plugin.Name);
    }
}
