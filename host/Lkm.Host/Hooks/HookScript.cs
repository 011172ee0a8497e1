using Microsoft.Extensions.Logging;

namespace Lkm.Host.Hooks;

/// <summary>
/// A hook script file, live: a <see cref="FileSystemWatcher"/> (debounced) and a periodic mtime/size check
/// both lead to a reload; a reload that fails (syntax error, failing top level, unreadable file) is logged
/// with file:line:column and the previous version keeps serving. Get one from <see cref="HookEngine.GetScript"/>.
/// </summary>
public sealed partial class HookScript : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);
    private readonly HookServices _services;
    private readonly ILogger _logger;
    private readonly object _reloadGate = new();
    private readonly Timer _debounce;
    private readonly FileSystemWatcher? _watcher;
    private volatile CompiledHookScript? _current;
    private volatile HookScriptException? _lastError;
    private FileStamp? _stamp;
    private string? _rejectedSource;
    private int _versions;
    private volatile bool _disposed;

    internal HookScript(string fullPath, HookServices services, ILogger logger)
    {
        FullPath = fullPath;
        Name = System.IO.Path.GetFileName(fullPath);
        _services = services;
        _logger = logger;
        _debounce = new Timer(_ => Reload());
        _watcher = TryWatch(fullPath);
        Reload();
    }

    /// <summary>Absolute path of the file.</summary>
    public string FullPath { get; }

    /// <summary>File name, used to prefix the script's log lines.</summary>
    public string Name { get; }

    /// <summary>1 for the first good load, +1 per accepted change; 0 while no version ever loaded.</summary>
    public int Version => _current?.Version ?? 0;

    /// <summary>The latest rejected load (syntax error...), null once a load succeeds.</summary>
    public HookScriptException? LastError => _lastError;

    /// <summary>True when the current version defines the event's function.</summary>
    public bool Defines(HookEvent hookEvent) => _current?.Defines(hookEvent) ?? false;

    internal CompiledHookScript? Current => _current;

    /// <summary>Reloads when the file's mtime or size moved (the watcher's safety net; also used before giving up on a broken script).</summary>
    internal void CheckForChange()
    {
        if (!_disposed && FileStamp.Of(FullPath) != Volatile.Read(ref _stamp))
        {
            Reload();
        }
    }

    private FileSystemWatcher? TryWatch(string path)
    {
        try
        {
            string? directory = System.IO.Path.GetDirectoryName(path);
            if (directory is null || !Directory.Exists(directory))
            {
                return null;
            }

            var watcher = new FileSystemWatcher(directory, Name)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Touch();
            watcher.Created += (_, _) => Touch();
            watcher.Renamed += (_, e) =>
            {
                if (string.Equals(e.FullPath, path, StringComparison.Ordinal))
                {
                    Touch();
                }
            };
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // inotify limits and odd file systems: the periodic mtime check still picks up edits.
            Log.WatchFailed(_logger, FullPath, ex.Message);
            return null;
        }
    }

    /// <summary>Editors write a file in several steps: reload once they are quiet for a moment.</summary>
    private void Touch()
    {
        if (!_disposed)
        {
            try
            {
                _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void Reload()
    {
        if (_disposed)
        {
            return;
        }

        lock (_reloadGate)
        {
            var stamp = FileStamp.Of(FullPath);
            string source;
            try
            {
                source = ReadShared(FullPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (stamp != _stamp || _current is null)
                {
                    Reject(new HookScriptException(FullPath, 0, 0, $"cannot read the script: {ex.Message}", ex));
                }

                Volatile.Write(ref _stamp, stamp);
                return;
            }

            Volatile.Write(ref _stamp, stamp);
            var previous = _current;
            if ((previous is not null && string.Equals(previous.Source, source, StringComparison.Ordinal))
                || string.Equals(_rejectedSource, source, StringComparison.Ordinal))
            {
                return; // nothing new (the watcher and the mtime check often both see one save)
            }

            try
            {
                var compiled = CompiledHookScript.Compile(FullPath, source, _versions + 1, _services);
                _versions++;
                _current = compiled;
                _lastError = null;
                _rejectedSource = null;
                previous?.Retire();
                Log.Loaded(_logger, FullPath, compiled.Version);
            }
            catch (HookScriptException ex)
            {
                _rejectedSource = source;
                Reject(ex);
            }
        }
    }

    private void Reject(HookScriptException error)
    {
        if (_current is { } current)
        {
            Log.ReloadRejected(_logger, error.File, error.Line, error.Column, error.Description, current.Version);
        }
        else
        {
            Log.LoadFailed(_logger, error.File, error.Line, error.Column, error.Description);
        }

        // Published after the log line, so whoever sees the error (the API, a test) also finds it logged.
        _lastError = error;
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        _disposed = true;
        _watcher?.Dispose();
        _debounce.Dispose();
        _current?.Retire();
    }

    private sealed record FileStamp(DateTime Modified, long Length)
    {
        public static FileStamp Of(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : new FileStamp(DateTime.MinValue, -1);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new FileStamp(DateTime.MinValue, -2);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Hook script {File} loaded (version {Version})")]
        public static partial void Loaded(ILogger logger, string file, int version);

        [LoggerMessage(11, LogLevel.Error, "Hook script {File}:{Line}:{Column}: {Message}; the change is rejected, version {Version} keeps serving")]
        public static partial void ReloadRejected(ILogger logger, string file, int line, int column, string message, int version);

        [LoggerMessage(12, LogLevel.Error, "Hook script {File}:{Line}:{Column}: {Message}; the script is not usable until fixed")]
        public static partial void LoadFailed(ILogger logger, string file, int line, int column, string message);

        [LoggerMessage(13, LogLevel.Warning, "Hook script {File}: cannot watch for changes ({Message}); checking its mtime every second instead")]
        public static partial void WatchFailed(ILogger logger, string file, string message);
    }
}
