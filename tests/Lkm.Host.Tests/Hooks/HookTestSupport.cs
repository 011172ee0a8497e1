using System.Collections.Concurrent;
using Lkm.Host.Hooks;
using Lkm.Testing;
using Microsoft.Extensions.Logging;

namespace Lkm.Host.Tests.Hooks;

/// <summary>Scripts written to a temp folder, an engine and a log that tests can read.</summary>
internal sealed class HookFixture : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lkm-hooks-").FullName;

    public HookFixture()
    {
        Engine = new HookEngine(Logs);
    }

    public CapturedLogs Logs { get; } = new();

    public HookEngine Engine { get; }

    public string Write(string name, string source)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, source);
        return path;
    }

    public HookScript Load(string name, string source) => Engine.GetScript(Write(name, source));

    public Task<HookDecision> Run(HookScript script, HookEvent hookEvent, HookContext? context = null, HookOptions? options = null) =>
        Engine.RunAsync(script, hookEvent, context ?? Ctx(), options ?? HookOptions.Default, TestContext.Current.CancellationToken);

    public static HookContext Ctx(string stream = "live/cam1", string protocol = "rtmp", string remote = "10.1.2.3:50000", params (string Key, string Value)[] query) => new()
    {
        Stream = stream,
        Protocol = protocol,
        RemoteAddr = remote,
        Query = query.ToDictionary(q => q.Key, q => q.Value),
    };

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Where the repository's scripts/ folder is (tests run from bin/...).</summary>
    public static string RepoScripts(string relative) => RepoPaths.File("scripts", relative);
}

/// <summary>An ILoggerFactory that keeps every formatted line.</summary>
internal sealed class CapturedLogs : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Lines => _lines.ToArray();

    public bool Any(LogLevel level, params string[] fragments) =>
        _lines.Any(l => l.Level == level && fragments.All(f => l.Message.Contains(f, StringComparison.Ordinal)));

    public string Dump() => string.Join("\n", _lines.Select(l => $"{l.Level} {l.Category}: {l.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
