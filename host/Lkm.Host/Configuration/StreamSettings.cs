using Lkm.Host.Hooks;

namespace Lkm.Host.Configuration;

/// <summary>
/// Per-stream settings as written in <c>defaults:</c> or one route of <c>routes:</c>: every field
/// is optional, a route's fields override the defaults, the defaults override the built-ins.
/// </summary>
public sealed record StreamSettings
{
    public bool? GopCache { get; init; }

    public TimeSpan? MergeWrite { get; init; }

    public TimeSpan? ResumeWindow { get; init; }

    public TimeSpan? WaitTimeout { get; init; }

    public TimeSpan? ProbeTimeout { get; init; }

    public TimeSpan? IdleTimeout { get; init; }

    public TimeSpan? ReceiveTimeout { get; init; }

    public TimeSpan? PlayerMaxLag { get; init; }

    public long? PlayerMaxQueue { get; init; }

    public int? MaxPlayers { get; init; }

    /// <summary>Egress protocols players may use (<c>rtmp</c>, <c>flv</c>, <c>ws-flv</c>, ...); null = all.</summary>
    public IReadOnlyList<string>? Protocols { get; init; }

    /// <summary>Ingest protocols publishers may use (<c>rtmp</c>, <c>28181</c>, <c>jt1078</c>); null = all.</summary>
    public IReadOnlyList<string>? PublishProtocols { get; init; }

    /// <summary>Full path of the hook script; "" = no script.</summary>
    public string? HookScript { get; init; }

    public TimeSpan? HookTimeout { get; init; }

    public HookErrorPolicy? OnError { get; init; }

    /// <summary>This one's fields where set, <paramref name="lower"/>'s elsewhere.</summary>
    public StreamSettings Over(StreamSettings lower) => new()
    {
        GopCache = GopCache ?? lower.GopCache,
        MergeWrite = MergeWrite ?? lower.MergeWrite,
        ResumeWindow = ResumeWindow ?? lower.ResumeWindow,
        WaitTimeout = WaitTimeout ?? lower.WaitTimeout,
        ProbeTimeout = ProbeTimeout ?? lower.ProbeTimeout,
        IdleTimeout = IdleTimeout ?? lower.IdleTimeout,
        ReceiveTimeout = ReceiveTimeout ?? lower.ReceiveTimeout,
        PlayerMaxLag = PlayerMaxLag ?? lower.PlayerMaxLag,
        PlayerMaxQueue = PlayerMaxQueue ?? lower.PlayerMaxQueue,
        MaxPlayers = MaxPlayers ?? lower.MaxPlayers,
        Protocols = Protocols ?? lower.Protocols,
        PublishProtocols = PublishProtocols ?? lower.PublishProtocols,
        HookScript = HookScript ?? lower.HookScript,
        HookTimeout = HookTimeout ?? lower.HookTimeout,
        OnError = OnError ?? lower.OnError,
    };

    /// <summary>The built-in values, used where neither a route nor <c>defaults:</c> says otherwise.</summary>
    public static readonly StreamSettings BuiltIn = new()
    {
        GopCache = true,
        MergeWrite = TimeSpan.FromMilliseconds(350),
        ResumeWindow = TimeSpan.FromSeconds(10),
        WaitTimeout = TimeSpan.FromSeconds(30),
        ProbeTimeout = TimeSpan.FromSeconds(3),
        IdleTimeout = TimeSpan.Zero,
        ReceiveTimeout = TimeSpan.FromSeconds(60),
        PlayerMaxLag = TimeSpan.FromSeconds(10),
        PlayerMaxQueue = 16 * 1024 * 1024,
        MaxPlayers = 0,
        HookScript = "",
        HookTimeout = TimeSpan.FromSeconds(1),
        OnError = HookErrorPolicy.Deny,
    };

    /// <summary>Reads the settings keys of a <c>defaults:</c> or route mapping; <paramref name="baseDir"/> resolves script paths.</summary>
    public static StreamSettings Read(YamlSection s, string baseDir)
    {
        var settings = new StreamSettings
        {
            GopCache = s.Has("gop_cache") ? s.GetBool("gop_cache", true) : Absent<bool>(s, "gop_cache"),
            MergeWrite = Duration(s, "merge_write", max: TimeSpan.FromSeconds(5)),
            ResumeWindow = Duration(s, "resume_window"),
            WaitTimeout = Duration(s, "wait_timeout"),
            ProbeTimeout = Duration(s, "probe_timeout", min: TimeSpan.FromMilliseconds(100)),
            IdleTimeout = Duration(s, "idle_timeout"),
            ReceiveTimeout = Duration(s, "receive_timeout"),
            PlayerMaxLag = Duration(s, "player_max_lag", min: TimeSpan.FromMilliseconds(500)),
            PlayerMaxQueue = Size(s, "player_max_queue", 64 * 1024, int.MaxValue),
            MaxPlayers = s.Has("max_players") ? s.GetInt("max_players", 0, 0) : Absent<int>(s, "max_players"),
            Protocols = ProtocolList(s, "protocols"),
            PublishProtocols = ProtocolList(s, "publish_protocols"),
            HookScript = Script(s, baseDir),
            HookTimeout = Duration(s, "hook_timeout", min: TimeSpan.FromMilliseconds(10), max: TimeSpan.FromMinutes(5)),
            OnError = s.Has("on_error") ? s.GetEnum("on_error", HookErrorPolicy.Deny, ErrorPolicies) : Absent<HookErrorPolicy>(s, "on_error"),
        };
        return settings;
    }

    /// <summary>The values of <c>on_error</c>, wherever it is written.</summary>
    internal static readonly Dictionary<string, HookErrorPolicy> ErrorPolicies = new()
    {
        ["deny"] = HookErrorPolicy.Deny,
        ["allow"] = HookErrorPolicy.Allow,
    };

    private static TimeSpan? Duration(YamlSection s, string key, TimeSpan? min = null, TimeSpan? max = null)
    {
        if (!s.Has(key))
        {
            s.MarkRead(key);
            return null;
        }

        var value = s.GetDuration(key, TimeSpan.Zero);
        if (min is { } lo && value < lo && value != TimeSpan.Zero)
        {
            throw s.Error(key, $"'{s.KeyPath(key)}' must be at least {lo.TotalMilliseconds:0}ms");
        }

        if (max is { } hi && value > hi)
        {
            throw s.Error(key, $"'{s.KeyPath(key)}' must be at most {hi.TotalSeconds:0.###}s");
        }

        return value;
    }

    private static long? Size(YamlSection s, string key, long min, long max)
    {
        if (!s.Has(key))
        {
            s.MarkRead(key);
            return null;
        }

        long value = s.GetSize(key, 0);
        if (value < min || value > max)
        {
            throw s.Error(key, $"'{s.KeyPath(key)}' must be between {min / 1024}KB and {max / (1024 * 1024)}MB");
        }

        return value;
    }

    private static IReadOnlyList<string>? ProtocolList(YamlSection s, string key)
    {
        if (!s.Has(key))
        {
            s.MarkRead(key);
            return null;
        }

        var list = s.GetList(key);
        foreach (string p in list)
        {
            if (p.Length == 0 || !p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                throw s.Error(key, $"'{s.KeyPath(key)}' entries are protocol names like rtmp, flv, ws-flv, not '{p}'");
            }
        }

        return list;
    }

    private static string? Script(YamlSection s, string baseDir)
    {
        if (!s.Has("hooks"))
        {
            s.MarkRead("hooks");
            return null;
        }

        return ResolveScript(s, "hooks", baseDir);
    }

    /// <summary>Resolves a script path relative to the config file; "" means no script. A missing file is a config error.</summary>
    public static string ResolveScript(YamlSection s, string key, string baseDir)
    {
        string path = s.GetString(key, "");
        if (path.Length == 0)
        {
            return "";
        }

        string full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDir, path));
        if (!File.Exists(full))
        {
            throw s.Error(key, $"'{s.KeyPath(key)}': script file '{full}' not found");
        }

        return full;
    }

    /// <summary>A key that is not written: known (not reported as unknown), and unset so a lower level applies.</summary>
    private static T? Absent<T>(YamlSection s, string key)
        where T : struct
    {
        s.MarkRead(key);
        return null;
    }
}
