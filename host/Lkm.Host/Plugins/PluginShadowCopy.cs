namespace Lkm.Host.Plugins;

/// <summary>
/// Copies a plugin folder before it is loaded, so the loaded files are never the ones in the plugin directory:
/// the folder is never locked (Windows) and a DLL being overwritten there cannot change under a loaded version.
/// Copies live under the temp directory, one folder per server process, removed as versions unload and at exit;
/// folders of processes that no longer run are removed at start.
/// </summary>
public sealed class PluginShadowCopy : IDisposable
{
    private readonly string _root;

    public PluginShadowCopy(string? baseDirectory = null)
    {
        string parent = baseDirectory ?? Path.Combine(Path.GetTempPath(), "lkm-plugins");
        RemoveStale(parent);
        _root = Path.Combine(parent, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(_root);
    }

    /// <summary>Copies <paramref name="folder"/> (recursively) to a fresh folder and returns its path.</summary>
    public string Copy(string folder, int generation)
    {
        string target = Path.Combine(_root, $"{Path.GetFileName(folder)}-{generation}");
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Removes a copy once its version is unloaded (best effort: Windows keeps a mapped file until collected).</summary>
    public static void Remove(string? copy)
    {
        if (copy is null)
        {
            return;
        }

        try
        {
            Directory.Delete(copy, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    public void Dispose() => Remove(_root);

    private static void RemoveStale(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (string dir in Directory.GetDirectories(parent))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && pid != Environment.ProcessId && !IsRunning(pid))
            {
                Remove(dir);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
