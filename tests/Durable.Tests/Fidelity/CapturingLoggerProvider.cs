using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Tests.Fidelity;

/// <summary>One log entry as a provider sees it: category, event, structured values and exception.</summary>
public sealed record CapturedLog(string Category, EventId EventId, IReadOnlyDictionary<string, object?> Values, Exception? Exception);

/// <summary>Keeps every log entry written through it, for assertions on what the worker reports.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> entries = new();

    public IReadOnlyList<CapturedLog> Entries => entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : new Dictionary<string, object?>();
            entries.Enqueue(new CapturedLog(category, eventId, values, exception));
        }
    }
}
