using System.Collections.Concurrent;
using System.Diagnostics;
using Governance.Durable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Bench;

/// <summary>
/// Failover: two worker hosts on one task hub (4 partitions, default lease and visibility); one is killed (in-process
/// <see cref="DurableTaskHub.Crash"/>: no lease released, no message deleted, memory dropped) while instances run.
/// Measures the time until every instance has finished, and completions during a kill loop.
/// </summary>
public sealed class FailoverScenario(string connectionString, bool quick, List<Row> rows)
{
    private sealed class Worker(IHost host) : IAsyncDisposable
    {
        public DurableTaskHub Hub { get; } = host.Services.GetRequiredService<DurableTaskHub>();

        public DurableTaskClient Client { get; } = host.Services.GetRequiredService<DurableTaskClient>();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        }
    }

    private async Task<Worker> StartAsync(string hub, string workerId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddDurableTask(o =>
        {
            o.ConnectionString = connectionString;
            o.HubName = hub;
            o.WorkerId = workerId;
            o.PartitionCount = 4;
        }).AddTasks(r => r.AddOrchestrator<Chain>().AddActivity<SayHello>());
        var host = builder.Build();
        await host.StartAsync();
        return new Worker(host);
    }

    public async Task RunAsync()
    {
        Console.WriteLine("## 9. Failover: one of two hosts killed");
        var recoveries = new List<double>();
        for (int run = 0; run < (quick ? 1 : 3); run++)
        {
            recoveries.Add(await KillOneOfTwoAsync(run));
        }

        var sorted = recoveries.OrderBy(x => x).ToList();
        string result = $"median {sorted[sorted.Count / 2]:F1} s (runs: {string.Join(", ", recoveries.Select(r => $"{r:F1}"))} s)";
        Console.WriteLine($"  time from the kill until all 100 instances finished: {result}");
        rows.Add(new Row("9a", "Failover: kill 1 of 2 hosts during 100 × 100 sequential activities, time until all finished", result,
            "≈ lease (15 s) + a few s", "control-queue messages invisible 5 min (lease 30 s)", "see text"));

        var (completed, longestGap, seconds) = await KillLoopAsync();
        string loop = $"{completed} completed in {seconds:F0} s, longest gap without a completion {longestGap:F1} s";
        Console.WriteLine($"  kill loop (host killed and restarted with a new worker id every 10 s): {loop}");
        rows.Add(new Row("9b", "Kill loop: one host killed every 10 s, restarted with a new worker id", loop, "", "", "see text"));
        Console.WriteLine();
    }

    private async Task<double> KillOneOfTwoAsync(int run)
    {
        string hub = "Failover" + run + Guid.NewGuid().ToString("N")[..6];
        await using var b = await StartAsync(hub, "b-" + hub);
        var a = await StartAsync(hub, "a-" + hub);
        while (a.Hub.OwnedPartitions.Count != 2 || b.Hub.OwnedPartitions.Count != 2)
        {
            await Task.Delay(100);
        }

        var started = Stopwatch.StartNew();
        var ids = (await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            (i % 2 == 0 ? a : b).Client.ScheduleNewOrchestrationInstanceAsync(nameof(Chain), 100)))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5) - started.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        int done = 0;
        foreach (string id in ids)
        {
            done += (await b.Client.GetInstanceAsync(id))?.IsCompleted == true ? 1 : 0;
        }

        Console.WriteLine($"  run {run + 1}: {done}/100 finished when host a (owning partitions {string.Join(",", a.Hub.OwnedPartitions.Order())}) is killed");
        a.Hub.Crash();
        var killed = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var finished = await Task.WhenAll(ids.Select(id => b.Client.WaitForInstanceCompletionAsync(id, false, cts.Token)));
        double seconds = killed.Elapsed.TotalSeconds;
        Console.WriteLine($"  run {run + 1}: {finished.Count(f => f.RuntimeStatus == OrchestrationRuntimeStatus.Completed)}/100 completed, {seconds:F1} s after the kill; survivor owns {b.Hub.OwnedPartitions.Count} partitions");
        await a.DisposeAsync();
        return seconds;
    }

    private async Task<(int Completed, double LongestGap, double Seconds)> KillLoopAsync()
    {
        string hub = "KillLoop" + Guid.NewGuid().ToString("N")[..6];
        TimeSpan duration = TimeSpan.FromSeconds(quick ? 40 : 90);
        await using var b = await StartAsync(hub, "b-" + hub);
        var a = await StartAsync(hub, "a0-" + hub);
        var completions = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var waits = new List<Task>();
        int generation = 0;
        var nextKill = TimeSpan.FromSeconds(10);
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < 4; i++)
            {
                string id = await b.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Chain), 5);
                waits.Add(Task.Run(async () =>
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                    await b.Client.WaitForInstanceCompletionAsync(id, false, cts.Token);
                    completions.Add(clock.Elapsed.TotalSeconds);
                }));
            }

            if (clock.Elapsed >= nextKill)
            {
                a.Hub.Crash();
                await a.DisposeAsync();
                a = await StartAsync(hub, $"a{++generation}-{hub}");
                nextKill += TimeSpan.FromSeconds(10);
            }

            await Task.Delay(500);
        }

        double end = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(waits).ContinueWith(_ => { }, TaskScheduler.Default);
        await a.DisposeAsync();
        var times = completions.Where(t => t <= end).OrderBy(t => t).Prepend(0).Append(end).ToList();
        double gap = times.Zip(times.Skip(1), (x, y) => y - x).Max();
        return (completions.Count(t => t <= end), gap, end);
    }
}
