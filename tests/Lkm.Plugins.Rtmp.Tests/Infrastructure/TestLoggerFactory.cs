using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Lkm.Plugins.Rtmp.Tests.Infrastructure;

internal sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>Collects every log line so tests can assert what was logged (and that nothing unexpected was).</summary>
internal sealed class TestLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}
