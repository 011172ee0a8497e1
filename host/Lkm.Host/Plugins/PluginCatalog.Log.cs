using Microsoft.Extensions.Logging;

namespace Lkm.Host.Plugins;

public sealed partial class PluginCatalog
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Plugin directory {Dir} does not exist: no protocol is served")]
        public static partial void NoPluginDirectory(ILogger logger, string dir);

        [LoggerMessage(2, LogLevel.Warning, "Plugin folder {Folder} has no plugin assembly (expected <folder name>.dll)")]
        public static partial void NoAssembly(ILogger logger, string folder);

        [LoggerMessage(3, LogLevel.Error, "Plugin {Name} ({Path}) refused: {Reason}")]
        public static partial void Refused(ILogger logger, string name, string path, string reason, Exception? exception);

        [LoggerMessage(5, LogLevel.Information, "Plugin {Name} is disabled in the config")]
        public static partial void Disabled(ILogger logger, string name);

        [LoggerMessage(6, LogLevel.Information, "Plugin {Name} {Version} started from {Path} (generation {Generation})")]
        public static partial void Started(ILogger logger, string name, string version, string path, int generation);

        [LoggerMessage(7, LogLevel.Error, "Plugin {Name} failed to start")]
        public static partial void StartFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(8, LogLevel.Error, "Plugin {Name} failed to stop")]
        public static partial void StopFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(9, LogLevel.Warning, "plugins.{Name} is configured but no such plugin was found in {Dir}")]
        public static partial void ConfiguredButMissing(ILogger logger, string name, string dir);

        [LoggerMessage(10, LogLevel.Error, "Plugin {Name} failed to read its config")]
        public static partial void ConfigureFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(11, LogLevel.Information, "Plugin {Name} {OldVersion} (generation {OldGeneration}) replaced by {NewVersion} (generation {NewGeneration}): ports and HTTP handed over, {Sessions} session(s) stay on the old version until they end")]
        public static partial void Swapped(ILogger logger, string name, string oldVersion, int oldGeneration, string newVersion, int newGeneration, int sessions);

        [LoggerMessage(12, LogLevel.Information, "Plugin {Name} {Version} (generation {Generation}) draining: {Sessions} session(s), {Muxers} muxer(s) left ({Reason})")]
        public static partial void Draining(ILogger logger, string name, string version, int generation, int sessions, int muxers, string reason);

        [LoggerMessage(13, LogLevel.Information, "Plugin {Name} {Version} (generation {Generation}) unloaded: its last session ended")]
        public static partial void Unloaded(ILogger logger, string name, string version, int generation);

        [LoggerMessage(14, LogLevel.Information, "Plugin {Name}: folder {Folder} removed; {Sessions} session(s) run on until they end")]
        public static partial void FolderRemoved(ILogger logger, string name, string folder, int sessions);

        [LoggerMessage(15, LogLevel.Information, "Plugin {Name}: reload from {Folder} asked")]
        public static partial void ReloadAsked(ILogger logger, string name, string folder);

        [LoggerMessage(16, LogLevel.Warning, "lkm.yaml could not be read again for a plugin load, the sections read at start apply: {Message}")]
        public static partial void ConfigUnreadable(ILogger logger, string message);
    }
}
