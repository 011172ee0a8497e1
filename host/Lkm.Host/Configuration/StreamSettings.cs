using Lkm.Host.Hooks;
using Keys = Lkm.Host.Configuration.ConfigKeys.Defaults;

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
        GopCache = Keys.GopCache.Default,
        MergeWrite = Keys.MergeWrite.Default,
        ResumeWindow = Keys.ResumeWindow.Default,
        WaitTimeout = Keys.WaitTimeout.Default,
        ProbeTimeout = Keys.ProbeTimeout.Default,
        IdleTimeout = Keys.IdleTimeout.Default,
        ReceiveTimeout = Keys.ReceiveTimeout.Default,
        PlayerMaxLag = Keys.PlayerMaxLag.Default,
        PlayerMaxQueue = Keys.PlayerMaxQueue.Default,
        MaxPlayers = Keys.MaxPlayers.Default,
        HookScript = ConfigKeys.Hooks.Script.Default,
        HookTimeout = ConfigKeys.Hooks.Timeout.Default,
        OnError = ConfigKeys.Hooks.OnError.Default,
    };

    /// <summary>Reads the settings keys of a <c>defaults:</c> or route mapping; <paramref name="baseDir"/> resolves script paths.</summary>
    public static StreamSettings Read(YamlSection s, string baseDir)
    {
        var settings = new StreamSettings
        {
            GopCache = s.Has(Keys.GopCache.Name) ? Keys.GopCache.Read(s) : Absent<bool>(s, Keys.GopCache.Name),
            MergeWrite = Duration(s, Keys.MergeWrite),
            ResumeWindow = Duration(s, Keys.ResumeWindow),
            WaitTimeout = Duration(s, Keys.WaitTimeout),
            ProbeTimeout = Duration(s, Keys.ProbeTimeout),
            IdleTimeout = Duration(s, Keys.IdleTimeout),
            ReceiveTimeout = Duration(s, Keys.ReceiveTimeout),
            PlayerMaxLag = Duration(s, Keys.PlayerMaxLag),
            PlayerMaxQueue = Size(s, Keys.PlayerMaxQueue),
            MaxPlayers = s.Has(Keys.MaxPlayers.Name) ? Keys.MaxPlayers.Read(s) : Absent<int>(s, Keys.MaxPlayers.Name),
            Protocols = ProtocolList(s, Keys.Protocols.Name),
            PublishProtocols = ProtocolList(s, Keys.PublishProtocols.Name),
            HookScript = Script(s, baseDir),

            // A route's hook_timeout is the hooks.timeout range, but 0 stays accepted here as it always was.
            HookTimeout = Duration(s, ConfigKeys.Routes.HookTimeout.Name, ConfigKeys.Hooks.Timeout.Min, ConfigKeys.Hooks.Timeout.Max),
            OnError = s.Has(OnErrorKey) ? ConfigKeys.Hooks.OnError.Read(s) : Absent<HookErrorPolicy>(s, OnErrorKey),
        };
        return settings;
    }

    private static string OnErrorKey => ConfigKeys.Routes.OnError.Name;

    private static TimeSpan? Duration(YamlSection s, DurationKey key) => Duration(s, key.Name, key.Min, key.Max);

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
            s.Report(s.Error(key, $"'{s.KeyPath(key)}' must be at least {lo.TotalMilliseconds:0}ms"));
            return null;
        }

        if (max is { } hi && value > hi)
        {
            s.Report(s.Error(key, $"'{s.KeyPath(key)}' must be at most {hi.TotalSeconds:0.###}s"));
            return null;
        }

        return value;
    }

    private static long? Size(YamlSection s, SizeKey key)
    {
        if (!s.Has(key.Name))
        {
            s.MarkRead(key.Name);
            return null;
        }

        // An empty value is out of range, not the default.
        long value = s.GetSize(key.Name, 0);
        if (value < key.Min || value > key.Max)
        {
            s.Report(s.Error(key.Name, $"'{s.KeyPath(key.Name)}' must be between {key.Min / 1024}KB and {key.Max / (1024 * 1024)}MB"));
            return null;
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
                s.Report(s.Error(key, $"'{s.KeyPath(key)}' entries are protocol names like rtmp, flv, ws-flv, not '{p}'"));
                return null;
            }
        }

        return list;
    }

    private static string? Script(YamlSection s, string baseDir)
    {
        string key = ConfigKeys.Routes.Hooks.Name;
        if (!s.Has(key))
        {
            s.MarkRead(key);
            return null;
        }

        return ResolveScript(s, key, baseDir);
    }

    /// <summary>Resolves a script path relative to the config file; "" means no script. A missing file is a config error (reported; reads as none).</summary>
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
            s.Report(s.Error(key, $"'{s.KeyPath(key)}': script file '{full}' not found"));
            return "";
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
