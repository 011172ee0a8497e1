using Lkm.Host.Routing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Configuration;

/// <summary>
/// Watches lkm.yaml and applies edits of <c>defaults:</c>, <c>hooks:</c> and <c>routes:</c> without a
/// restart (they take effect on the next decision). An invalid edit is logged with file, line and
/// column and the previous version keeps serving. Other sections need a restart, which is logged.
/// </summary>
public sealed partial class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly string _path;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _overrides;
    private readonly LiveRoutes _routes;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private LkmConfig _current;
    private DateTime _lastWrite;
    private long _lastLength;
    private int _checking;

    public ConfigWatcher(LkmConfig current, IReadOnlyList<KeyValuePair<string, string>> overrides, LiveRoutes routes, ILoggerFactory loggerFactory)
    {
        _current = current;
        _path = current.FilePath;
        _overrides = overrides;
        _routes = routes;
        _logger = loggerFactory.CreateLogger("Lkm.Config");
        (_lastWrite, _lastLength) = Stamp();

        // Polling the file's time and size is enough for a 2 s budget and works where inotify does not (editors that replace files, network mounts).
        _timer = new Timer(_ => Check(), null, PollInterval, PollInterval);
    }

    /// <summary>Checks the file now; returns true when a new version was applied.</summary>
    public bool Check()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return false;
        }

        try
        {
            var stamp = Stamp();
            if (stamp == (_lastWrite, _lastLength))
            {
                return false;
            }

            (_lastWrite, _lastLength) = stamp;
            LkmConfig next;
            try
            {
                next = ConfigLoader.Load(_path, _overrides);
            }
            catch (ConfigException ex)
            {
                Log.Rejected(_logger, ex.Message);
                return false;
            }
            catch (IOException ex)
            {
                // Caught mid-save; the next poll sees the finished file.
                (_lastWrite, _lastLength) = (DateTime.MinValue, -1);
                Log.Unreadable(_logger, _path, ex.Message);
                return false;
            }

            if (next.Server != _current.Server || next.Log != _current.Log || next.Plugins.Dir != _current.Plugins.Dir)
            {
                Log.RestartNeeded(_logger, _path);
            }

            _routes.Swap(next.Routes);
            _current = next;
            Log.Applied(_logger, _path, next.Routes.Routes.Count);
            return true;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private (DateTime, long) Stamp()
    {
        try
        {
            var info = new FileInfo(_path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        }
        catch (IOException)
        {
            return (DateTime.MinValue, -1);
        }
    }

    public void Dispose() => _timer.Dispose();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "config edit rejected, the previous version keeps serving: {Message}")]
        public static partial void Rejected(ILogger logger, string message);

        [LoggerMessage(2, LogLevel.Information, "config {Path} reloaded: defaults, hooks and {Routes} routes apply to the next decision")]
        public static partial void Applied(ILogger logger, string path, int routes);

        [LoggerMessage(3, LogLevel.Warning, "config {Path}: changes to server, log or plugins.dir need a restart")]
        public static partial void RestartNeeded(ILogger logger, string path);

        [LoggerMessage(4, LogLevel.Warning, "config {Path} could not be read: {Message}")]
        public static partial void Unreadable(ILogger logger, string path, string message);
    }
}
