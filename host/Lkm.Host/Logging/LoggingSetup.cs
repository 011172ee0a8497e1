using Lkm.Host.Configuration;
using NLog;
using NLog.Config;
using NLog.Extensions.Logging;
using NLog.Targets;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Logging;

/// <summary>Builds the NLog configuration from the <c>log:</c> section: console always, a rotating file when configured.</summary>
public static class LoggingSetup
{
    private const string Layout = "${longdate} ${level:uppercase=true:padding=-5} ${logger}: ${message}${onexception:inner= ${exception:format=ToString}}";

    /// <summary>Makes NLog the host's only logging provider, configured from the <c>log:</c> section.</summary>
    public static void Configure(ILoggingBuilder logging, LogConfig config, string baseDirectory)
    {
        var nlog = new LoggingConfiguration();
        var level = NLog.LogLevel.FromString(config.Level switch { "warn" => "Warn", var l => l });

        var console = new ConsoleTarget("console") { Layout = Layout };
        nlog.AddRule(level, NLog.LogLevel.Fatal, console, "*");

        if (!string.IsNullOrWhiteSpace(config.File))
        {
            string path = Path.IsPathRooted(config.File) ? config.File : Path.Combine(baseDirectory, config.File);
            var file = new FileTarget("file")
            {
                FileName = path,
                Layout = Layout,
                ArchiveAboveSize = config.MaxFileSize,
                MaxArchiveFiles = config.MaxFiles,
                KeepFileOpen = true,
            };
            nlog.AddRule(level, NLog.LogLevel.Fatal, file, "*");
        }

        // ASP.NET Core's own chatter is only useful when debugging; a failed start is reported by the
        // host in one line, so the generic host's copy of it (with the whole stack) is left out.
        var quiet = new NullTarget();
        nlog.LoggingRules.Insert(0, new LoggingRule("Microsoft.*", NLog.LogLevel.Trace, NLog.LogLevel.Info, quiet) { Final = true });
        nlog.LoggingRules.Insert(0, new LoggingRule("Microsoft.Extensions.Hosting.Internal.Host", NLog.LogLevel.Trace, NLog.LogLevel.Error, quiet) { Final = true });

        LogManager.Configuration = nlog;
        logging.ClearProviders();
        logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace);
        logging.AddNLog(new NLogProviderOptions { RemoveLoggerFactoryFilter = true });
    }

    public static void Shutdown() => LogManager.Shutdown();
}
