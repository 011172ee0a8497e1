using Lkm.Host.Hooks;

namespace Lkm.Host.Configuration;

/// <summary>
/// Every key the host reads from lkm.yaml, with its default, values and meaning: the one place a
/// default is written. The loader, the config records, <see cref="StreamSettings.BuiltIn"/>,
/// <see cref="Routing.StreamPolicy"/> and the printed reference (README, <c>--print-config-reference</c>)
/// all read it. Plugin keys live in each plugin.
/// </summary>
public static class ConfigKeys
{
    public static class Server
    {
        public static readonly IntKey Http = new("server.http", 8080, 0, 65535,
            "HTTP port (HTTP-FLV, WS-FLV, and the API and console unless `api.listen` is set); `0` = off");

        public static readonly TextKey Listen = new("server.listen", "0.0.0.0", "IP address", "address every listener binds to");

        public static readonly TextKey PublicIp = new("server.public_ip", "127.0.0.1", "address", "address put in play URLs");

        public static readonly SizeKey GcYoungBudget = new("server.gc_young_budget", 2 * 1024 * 1024,
            "the host collects short-lived objects after this much allocation; `0` = the runtime's own budget, which it sizes from the CPU cache (80+ MB of resident memory on some VMs; see docs/performance.md)");
    }

    public static class Api
    {
        public static readonly TextKey Token = new("api.token", "", "text", "bearer token for `/api/` and `/metrics`; `\"\"` = no authentication");

        public static readonly TextKey Listen = new("api.listen", "", "`address:port` or `\"\"`",
            "a separate listener for the API, `/metrics` and the console; `\"\"` = on `server.http`");
    }

    public static class Log
    {
        public static readonly ChoiceKey<string> Level = new("log.level", "info",
            new Dictionary<string, string> { ["trace"] = "trace", ["debug"] = "debug", ["info"] = "info", ["warn"] = "warn", ["error"] = "error", ["off"] = "off" },
            "least severe level logged");

        public static readonly TextKey File = new("log.file", "", "path", "a rotating log file (relative to `lkm.yaml`) in addition to the console; `\"\"` = console only");

        public static readonly SizeKey MaxFileSize = new("log.max_file_size", 10 * 1024 * 1024, "size at which the file rotates");

        public static readonly IntKey MaxFiles = new("log.max_files", 5, 1, 1000, "rotated files kept");
    }

    public static class Plugins
    {
        public static readonly TextKey Dir = new("plugins.dir", "plugins", "path", "plugin folder, one sub-folder per plugin; unset = `plugins` beside the host binary, a written path is relative to `lkm.yaml`");

        public static readonly BoolKey Enabled = new("plugins.<name>.enabled", true, "`false` skips loading that plugin");
    }

    /// <summary>The <c>hooks:</c> section: what every stream starts from; routes may override each.</summary>
    public static class Hooks
    {
        public static readonly TextKey Script = new("hooks.script", "", "path",
            "the default hook script (relative to `lkm.yaml`); `\"\"` = none. The shipped `lkm.yaml` sets `scripts/hooks.js`");

        public static readonly DurationKey Timeout = new("hooks.timeout", TimeSpan.FromSeconds(1), "JavaScript time limit of one hook call")
        {
            Min = TimeSpan.FromMilliseconds(10),
            Max = TimeSpan.FromMinutes(5),
            ZeroAllowed = false,
        };

        public static readonly ChoiceKey<HookErrorPolicy> OnError = new("hooks.on_error", HookErrorPolicy.Deny,
            new Dictionary<string, HookErrorPolicy> { ["deny"] = HookErrorPolicy.Deny, ["allow"] = HookErrorPolicy.Allow },
            "a hook that throws, overruns or does not compile: deny or allow");
    }

    /// <summary>Per-stream settings: the <c>defaults:</c> section, and any route.</summary>
    public static class Defaults
    {
        public static readonly BoolKey GopCache = new("defaults.gop_cache", true, "keep the current GOP so players start at once");

        public static readonly DurationKey MergeWrite = new("defaults.merge_write", TimeSpan.FromMilliseconds(350),
            "media batched per write to each player; `0` = every frame at once") { Max = TimeSpan.FromSeconds(5) };

        public static readonly DurationKey ResumeWindow = new("defaults.resume_window", TimeSpan.FromSeconds(10),
            "a publisher that returns within this continues to its players");

        public static readonly DurationKey WaitTimeout = new("defaults.wait_timeout", TimeSpan.FromSeconds(30),
            "how long a player may wait for a stream that is not published");

        public static readonly DurationKey ProbeTimeout = new("defaults.probe_timeout", TimeSpan.FromSeconds(3),
            "how long a new publisher may take to show all its tracks") { Min = TimeSpan.FromMilliseconds(100) };

        public static readonly DurationKey PlayerMaxLag = new("defaults.player_max_lag", TimeSpan.FromSeconds(10),
            "a player this far behind (media queued) is disconnected") { Min = TimeSpan.FromMilliseconds(500) };

        public static readonly SizeKey PlayerMaxQueue = new("defaults.player_max_queue", 16 * 1024 * 1024, "... or with this many bytes queued")
        {
            Min = 64 * 1024,
            Max = int.MaxValue,
        };

        public static readonly DurationKey IdleTimeout = new("defaults.idle_timeout", TimeSpan.Zero,
            "no players for this long: ask `on_idle_timeout`, close unless it says true; `0` = never");

        public static readonly DurationKey ReceiveTimeout = new("defaults.receive_timeout", TimeSpan.FromSeconds(60),
            "no media for this long: ask `on_receive_timeout`, close unless it says true; `0` = never");

        public static readonly IntKey MaxPlayers = new("defaults.max_players", 0, 0, int.MaxValue, "players per stream; `0` = no limit");

        public static readonly ListKey Protocols = new("defaults.protocols", "protocol names", "egress protocols players may use (`rtmp`, `flv`, `ws-flv`)");

        public static readonly ListKey PublishProtocols = new("defaults.publish_protocols", "protocol names", "ingest protocols publishers may use (`rtmp`)");
    }

    /// <summary>Keys of one route of <c>routes:</c> beyond the per-stream settings.</summary>
    public static class Routes
    {
        public static readonly NoteKey Match = new("routes[].match", "—", "pattern", "stream-id pattern of the route (`*` = within one path segment, `**` = across segments)");

        public static readonly NoteKey Hooks = new("routes[].hooks", "from `hooks.script`", "path", "the route's hook script");

        public static readonly NoteKey HookTimeout = new("routes[].hook_timeout", "from `hooks.timeout`",
            $"duration, `0` or {ConfigValues.FormatDuration(ConfigKeys.Hooks.Timeout.Min!.Value)}..{ConfigValues.FormatDuration(ConfigKeys.Hooks.Timeout.Max!.Value)}",
            "the route's hook time limit");

        public static readonly NoteKey OnError = new("routes[].on_error", "from `hooks.on_error`", ConfigKeys.Hooks.OnError.Values, "the route's error policy");

        public static readonly NoteKey AnyDefault = new("routes[].<any defaults key>", "from `defaults:`", "as in `defaults:`", "the route's value of that setting");
    }

    /// <summary>Every key, in the order of the reference.</summary>
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        Server.Http, Server.Listen, Server.PublicIp, Server.GcYoungBudget,
        Api.Token, Api.Listen,
        Log.Level, Log.File, Log.MaxFileSize, Log.MaxFiles,
        Plugins.Dir, Plugins.Enabled,
        Defaults.GopCache, Defaults.MergeWrite, Defaults.ResumeWindow, Defaults.WaitTimeout, Defaults.ProbeTimeout,
        Defaults.PlayerMaxLag, Defaults.PlayerMaxQueue, Defaults.IdleTimeout, Defaults.ReceiveTimeout, Defaults.MaxPlayers,
        Defaults.Protocols, Defaults.PublishProtocols,
        Hooks.Script, Hooks.Timeout, Hooks.OnError,
        Routes.Match, Routes.Hooks, Routes.HookTimeout, Routes.OnError, Routes.AnyDefault,
    ];
}
