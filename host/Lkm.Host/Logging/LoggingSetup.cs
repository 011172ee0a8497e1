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

    public static ILoggerFactory Create(LogConfig config, string baseDirectory)
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

        // ASP.NET Core's own chatter is only useful when debugging.
        nlog.AddRule(NLog.LogLevel.Trace, NLog.LogLevel.Info, new NullTarget(), "Microsoft.*", final: true);
        nlog.LoggingRules.Insert(0, nlog.LoggingRules[^1]);
        nlog.LoggingRules.RemoveAt(nlog.LoggingRules.Count - 1);

        LogManager.Configuration = nlog;
        return LoggerFactory.Create(builder =>
        {
            builder.ClearProviders();
            builder.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace);
            builder.AddNLog(new NLogProviderOptions { RemoveLoggerFactoryFilter = true });
        });
    }

    public static void Shutdown() => LogManager.Shutdown();
}
