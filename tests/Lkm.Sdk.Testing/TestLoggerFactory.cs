using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Lkm.Sdk.Testing;

/// <summary>One log line collected by <see cref="TestLoggerFactory"/>.</summary>
/// <param name="Level">Its level.</param>
/// <param name="Category">The logger's category.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, if any.</param>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>An <see cref="ILoggerFactory"/> that collects every log line, so tests can assert what was logged (and that nothing unexpected was).</summary>
public sealed class TestLoggerFactory : ILoggerFactory
{
    /// <summary>Every line logged so far, in order.</summary>
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    /// <summary>The lines at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level)];

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Ignored: lines are collected, not forwarded.</summary>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <summary>Nothing to release.</summary>
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
