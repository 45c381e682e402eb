using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Governance.Durable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Bench;

/// <summary>A worker + client on its own task hub, with request counters and a warning counter.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly IHost host;

    private BenchHost(IHost host, RequestCounter calls, RequestCounter attempts, WarningCounter warnings)
    {
        this.host = host;
        Calls = calls;
        Attempts = attempts;
        Warnings = warnings;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Hub = host.Services.GetRequiredService<DurableTaskHub>();
    }

    public DurableTaskClient Client { get; }

    public DurableTaskHub Hub { get; }

    /// <summary>Logical calls (PerCall policy).</summary>
    public RequestCounter Calls { get; }

    /// <summary>HTTP attempts including SDK retries (PerRetry policy).</summary>
    public RequestCounter Attempts { get; }

    public WarningCounter Warnings { get; }

    private int waitedOn;

    public int WaitedOn => Volatile.Read(ref waitedOn);

    /// <summary>
    /// Starts a host on the hub. <paramref name="ownedPartitions"/> is how many partitions to wait for it to own
    /// (all by default; 0 for a client-only host or one of several workers).
    /// </summary>
    /// <param name="clock">The clock the runtime runs on (the system clock when null).</param>
    /// <param name="more">More registrations on the durable builder (e.g. the governance processes).</param>
    public static async Task<BenchHost> StartAsync(string connectionString, string hubName, Action<DurableTaskOptions>? configure = null, string? workerId = null,
        int? ownedPartitions = null, TimeProvider? clock = null, Action<IDurableTaskBuilder>? more = null)
    {
        var calls = new RequestCounter(hubName);
        var attempts = new RequestCounter(hubName);
        var warnings = new WarningCounter();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(warnings);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        var durable = builder.Services.AddDurableTask(o =>
        {
            o.ConnectionString = connectionString;
            o.HubName = hubName;
            o.WorkerId = workerId ?? "bench-" + hubName;
            o.ConfigureStorageClientOptions = c =>
            {
                c.AddPolicy(calls, HttpPipelinePosition.PerCall);
                c.AddPolicy(attempts, HttpPipelinePosition.PerRetry);
            };
            configure?.Invoke(o);
        }).AddTasks(r => r
            .AddOrchestrator<OneActivity>()
            .AddOrchestrator<HelloCities5>()
            .AddOrchestrator<Chain>()
            .AddOrchestrator<TimerProbe>()
            .AddOrchestrator<WaitForGo>()
            .AddOrchestrator<ReplayProbe>()
            .AddActivity<EchoGuid>()
            .AddActivity<SayHello>()
            .AddActivity<UtcNowActivity>());
        more?.Invoke(durable);
        var host = builder.Build();
        await host.StartAsync();
        var bench = new BenchHost(host, calls, attempts, warnings);
        await bench.WaitForPartitionsAsync(ownedPartitions ?? bench.Hub.Options.PartitionCount, TimeSpan.FromSeconds(60));
        return bench;
    }

    private async Task WaitForPartitionsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Hub.OwnedPartitions.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Host owns {Hub.OwnedPartitions.Count}/{Hub.Options.PartitionCount} partitions after {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for completion; the storage calls the wait makes are counted as "client-wait".</summary>
    public async Task<OrchestrationMetadata?> WaitAsync(string instanceId, CancellationToken cancellation, bool getOutputs = false)
    {
        RequestCounter.ClientWait = true;
        Interlocked.Increment(ref waitedOn);
        try
        {
            return await Client.WaitForInstanceCompletionAsync(instanceId, getOutputs, cancellation);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Diagnostics of the hub: cached sessions and instances with completion waiters.</summary>
    public (int Sessions, int WatcherEntries) Internals() => (Hub.CachedSessionCount, Hub.WatchedInstanceCount);

    /// <summary>The slowest storage calls since the last call of this method.</summary>
    public string SlowestCalls(int top = 4)
        => string.Join(", ", Calls.MaxSnapshot(reset: true).OrderByDescending(kv => kv.Value).Take(top).Select(kv => $"{kv.Key} {kv.Value.TotalMilliseconds:F0} ms"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception ex)
        {
            Console.WriteLine($"  (host stop: {ex.GetType().Name}: {ex.Message})");
        }
        finally
        {
            host.Dispose();
        }
    }
}

/// <summary>Counts warnings and errors the runtime logs, by message shape (ids masked).</summary>
public sealed class WarningCounter : ILoggerProvider
{
    private static readonly Regex Ids = new("[0-9a-f]{32}|[0-9a-f-]{36}|\\d+", RegexOptions.Compiled);
    private readonly ConcurrentDictionary<string, int> counts = new();

    public IReadOnlyDictionary<string, int> Counts => counts;

    public void Clear() => counts.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    public void PrintTop(string indent = "  ")
    {
        foreach (var (msg, n) in counts.OrderByDescending(kv => kv.Value).Take(8))
        {
            Console.WriteLine($"{indent}runtime log ×{n}: {msg}");
        }
    }

    private sealed class Logger(WarningCounter owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string text = $"[{logLevel}] {formatter(state, exception)}";
            if (exception is not null)
            {
                text += $" ({exception.GetType().Name}: {exception.Message.Split('\n')[0]})";
            }

            text = Ids.Replace(text, "#");
            if (text.Length > 220)
            {
                text = text[..220] + "…";
            }

            owner.counts.AddOrUpdate(text, 1, (_, n) => n + 1);
        }
    }
}
