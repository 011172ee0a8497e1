namespace Lkm.Host.Plugins;

/// <summary>
/// Follows the plugin directory by polling (it works where file events do not: network and container mounts,
/// tools that replace files) and reports a plugin folder as changed once its files stopped changing: copying
/// a plugin in is not atomic, so a folder is acted on only after its file list, sizes and times were the same
/// on two polls in a row. A removed folder is reported as removed.
/// </summary>
public sealed class PluginDirectoryWatcher : IDisposable
{
    private readonly string _directory;
    private readonly Func<string, Task> _changed;
    private readonly Func<string, Task> _removed;
    private readonly Timer _timer;
    private readonly Dictionary<string, string> _applied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _lastSeen = new(StringComparer.Ordinal);
    private int _polling;

    /// <param name="directory">The plugin directory.</param>
    /// <param name="changed">A folder is new or its files changed (and have settled).</param>
    /// <param name="removed">A folder is gone.</param>
    /// <param name="interval">Time between polls; a change is acted on after two polls that agree.</param>
    public PluginDirectoryWatcher(string directory, Func<string, Task> changed, Func<string, Task> removed, TimeSpan interval)
    {
        _directory = directory;
        _changed = changed;
        _removed = removed;

        // What is there now was loaded at start: only what changes from here is reported.
        foreach (var (folder, print) in Scan())
        {
            _applied[folder] = print;
            _lastSeen[folder] = print;
        }

        _timer = new Timer(_ => _ = PollAsync(), null, interval, interval);
    }

    /// <summary>One poll (the timer's; tests call it to step).</summary>
    public async Task PollAsync()
    {
        if (Interlocked.Exchange(ref _polling, 1) != 0)
        {
            return;
        }

        try
        {
            var now = Scan();
            var settled = new List<string>();
            var gone = new List<string>();
            lock (_applied)
            {
                foreach (var (folder, print) in now)
                {
                    bool stable = _lastSeen.TryGetValue(folder, out var last) && last == print;
                    _lastSeen[folder] = print;
                    // An empty folder is one being created: wait for its files.
                    if (stable && print.Length > 0 && (!_applied.TryGetValue(folder, out var applied) || applied != print))
                    {
                        _applied[folder] = print;
                        settled.Add(folder);
                    }
                }

                foreach (string folder in _lastSeen.Keys.Where(f => !now.ContainsKey(f)).ToList())
                {
                    _lastSeen.Remove(folder);
                    if (_applied.Remove(folder))
                    {
                        gone.Add(folder);
                    }
                }
            }

            foreach (string folder in gone)
            {
                await _removed(folder).ConfigureAwait(false);
            }

            foreach (string folder in settled)
            {
                await _changed(folder).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private Dictionary<string, string> Scan()
    {
        var prints = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(_directory))
        {
            return prints;
        }

        foreach (string folder in Directory.GetDirectories(_directory))
        {
            try
            {
                var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f =>
                {
                    var info = new FileInfo(f);
                    return $"{Path.GetRelativePath(folder, f)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
                });
                prints[folder] = string.Join('\n', files);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Being written or removed right now: not settled (and not gone); the next poll sees.
                prints[folder] = "\0unreadable " + DateTime.UtcNow.Ticks;
            }
        }

        return prints;
    }

    public void Dispose() => _timer.Dispose();
}
