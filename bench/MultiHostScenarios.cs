using System.Diagnostics;
using Governance.Durable;
using static Governance.Bench.Scenarios;

namespace Governance.Bench;

/// <summary>
/// Deployments with more than one host: the client on a client-only host (<c>WorkerEnabled = false</c>, this
/// process) and the workers in separate processes of this benchmark, sharing nothing but storage.
/// </summary>
public sealed class MultiHostScenarios(string connectionString, bool quick, List<Row> rows)
{
    private const int Partitions = 4;

    private static Task<BenchHost> ClientOnlyAsync(string connectionString, string hub)
        => BenchHost.StartAsync(connectionString, hub, o => o.WorkerEnabled = false, workerId: "bench-client", ownedPartitions: 0);

    private static async Task<List<WorkerProcess>> WorkersAsync(string connectionString, string hub, int count)
    {
        var workers = Enumerable.Range(0, count).Select(k => WorkerProcess.Start(connectionString, hub, $"{hub}-worker{k}")).ToList();
        await WorkerProcess.WaitForPartitionsAsync(workers, Partitions, TimeSpan.FromSeconds(90));
        return workers;
    }

    // ---- 6. split client ---------------------------------------------------------------------------------------

    /// <summary>1-activity latency with the client on a client-only host and the worker in another process.</summary>
    public async Task SplitClientAsync() => await LatencyAsync("6", "split client", "BenchSplit", workerCount: 1);

    /// <summary>The same with two worker processes sharing the partitions (the client reaches both).</summary>
    public async Task TwoHostsAsync()
    {
        await LatencyAsync("7", "two worker hosts", "BenchTwoHosts", workerCount: 2);
        await ThroughputAsync();
    }

    private async Task LatencyAsync(string id, string label, string hub, int workerCount)
    {
        int reps = quick ? 1 : 3, runs = quick ? 50 : 200, warmup = 20;
        Console.WriteLine($"## {id}. Start→completion latency, 1-activity orchestration, {label}: client-only host here, {workerCount} worker process(es) ({reps} × {runs} sequential runs after {warmup} warm-up)");
        var workers = await WorkersAsync(connectionString, hub, workerCount);
        try
        {
            await using var client = await ClientOnlyAsync(connectionString, hub);
            for (int w = 0; w < warmup; w++)
            {
                await RunOneAsync(client);
            }

            var perRep = new List<(double P50, double P95, double P99)>();
            for (int rep = 1; rep <= reps; rep++)
            {
                var samples = new List<double>(runs);
                for (int n = 0; n < runs; n++)
                {
                    samples.Add(await RunOneAsync(client));
                }

                samples.Sort();
                perRep.Add((Percentile(samples, 0.50), Percentile(samples, 0.95), Percentile(samples, 0.99)));
                Console.WriteLine($"  run {rep}: p50 {Ms(perRep[^1].P50)}, p95 {Ms(perRep[^1].P95)}, p99 {Ms(perRep[^1].P99)}, max {Ms(samples[^1])}");
            }

            // After idle: the workers' listeners have backed off to the 1 s maximum poll.
            var afterIdle = new List<double>();
            var before = client.Calls.Snapshot();
            for (int n = 0; n < (quick ? 3 : 8); n++)
            {
                await Task.Delay(3000);
                afterIdle.Add(await RunOneAsync(client));
            }

            afterIdle.Sort();
            var idleCalls = RequestCounter.Diff(client.Calls.Snapshot(), before).Values.Sum();
            Console.WriteLine($"  after 3 s idle each ({afterIdle.Count} runs): p50 {Ms(Percentile(afterIdle, 0.5))}, max {Ms(afterIdle[^1])}; the client-only host made {idleCalls} storage calls over those {afterIdle.Count} runs and idle periods");
            client.Warnings.PrintTop();
            double p50 = Median(perRep.Select(r => r.P50)), p95 = Median(perRep.Select(r => r.P95)), p99 = Median(perRep.Select(r => r.P99));
            rows.Add(new Row(id, $"1-activity latency, {label} (client-only host + {workerCount} worker process(es); p50 / p95 / p99, median of {reps}×{runs})",
                $"{Ms(p50)} / {Ms(p95)} / {Ms(p99)}", "p50 ≤ 20 ms, p95 ≤ 60 ms", "37.9 / 63.7 ms", Yes(p50 <= 20 && p95 <= 60)));
            rows.Add(new Row(id, $"  same, each run after 3 s idle (p50 / max of {afterIdle.Count})", $"{Ms(Percentile(afterIdle, 0.5))} / {Ms(afterIdle[^1])}", "tens of ms", "", Yes(afterIdle[^1] < 100)));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        Console.WriteLine();
    }

    private async Task ThroughputAsync()
    {
        int reps = quick ? 1 : 3, n = 500;
        Console.WriteLine($"## 7b. Throughput, HelloCities5 {n} at once, client-only host + two worker processes ({reps} run(s), fresh Azurite each)");
        var rates = new List<double>();
        for (int rep = 1; rep <= reps; rep++)
        {
            await using var azurite = await Governance.TestSupport.Azurite.StartAsync();
            var workers = await WorkersAsync(azurite.ConnectionString, "BenchTwoHostsLoad", 2);
            try
            {
                await using var client = await ClientOnlyAsync(azurite.ConnectionString, "BenchTwoHostsLoad");
                for (int w = 0; w < 20; w++)
                {
                    await client.WaitAsync(await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5)), CancellationToken.None);
                }

                long t0 = Stopwatch.GetTimestamp();
                var ids = await Task.WhenAll(Enumerable.Range(0, n).Select(_ => client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5))));
                double issued = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                var metas = await Task.WhenAll(ids.Select(id => client.WaitAsync(id, cts.Token)));
                double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                int completed = metas.Count(m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
                rates.Add(completed / seconds);
                Console.WriteLine($"  run {rep}: {completed}/{n} completed in {seconds:F1} s (issued in {issued:F1} s) → {completed / seconds:F1} orch/s");
            }
            finally
            {
                foreach (var worker in workers)
                {
                    await worker.DisposeAsync();
                }
            }
        }

        rows.Add(new Row("7", $"Throughput HelloCities5, {n} at once, two worker processes + client-only host (median of {reps}: {string.Join(" / ", rates.Select(r => r.ToString("F1")))})",
            $"{Median(rates):F1} orch/s", "", "10.8 orch/s (one host)", ""));
        Console.WriteLine();
    }

    private static string Breakdown(Dictionary<string, long> calls, int per)
        => string.Join(", ", calls.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value / (double)per:F2}"));

    // ---- 8. start rate -----------------------------------------------------------------------------------------

    /// <summary>How fast one client issues starts with many concurrent callers (the worker runs them in another process).</summary>
    public async Task StartRateAsync()
    {
        int reps = quick ? 1 : 3;
        foreach (int callers in new[] { 500, 1000 })
        {
            Console.WriteLine($"## 8. Start rate: {callers:N0} concurrent callers each starting one HelloCities5 from one client-only host, worker in another process ({reps} run(s), fresh Azurite each)");
            var rates = new List<double>();
            for (int rep = 1; rep <= reps; rep++)
            {
                await using var azurite = await Governance.TestSupport.Azurite.StartAsync();
                var workers = await WorkersAsync(azurite.ConnectionString, "BenchStarts", 1);
                try
                {
                    await using var client = await ClientOnlyAsync(azurite.ConnectionString, "BenchStarts");
                    for (int w = 0; w < 20; w++)
                    {
                        await client.WaitAsync(await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5)), CancellationToken.None);
                    }

                    var callsBefore = client.Calls.Snapshot();
                    var workerBefore = await workers[0].CallsAsync();
                    var cpu0 = Memory.Cpu();
                    long t0 = Stopwatch.GetTimestamp();
                    var ids = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(() => client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5)))));
                    double issued = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    var cpu1 = Memory.Cpu();
                    var calls = RequestCounter.Diff(client.Calls.Snapshot(), callsBefore).Where(kv => kv.Value > 0);
                    var workerDuring = RequestCounter.Diff(await workers[0].CallsAsync(), workerBefore);
                    rates.Add(callers / issued);
                    using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                    var metas = await Task.WhenAll(ids.Select(id => client.WaitAsync(id, cts.Token)));
                    double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    int completed = metas.Count(m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
                    Console.WriteLine($"  run {rep}: issued {callers} starts in {issued:F2} s → {callers / issued:F0} starts/s (client CPU {(cpu1.Self - cpu0.Self).TotalMilliseconds / callers:F2} ms/start, Azurite {(cpu1.Azurite - cpu0.Azurite).TotalMilliseconds / callers:F2} ms/start; calls: {string.Join(", ", calls.Select(kv => $"{kv.Key} ×{kv.Value}"))}); all {completed} completed after {seconds:F1} s");
                    var workerAfter = RequestCounter.Diff(await workers[0].CallsAsync(), workerBefore);
                    Console.WriteLine($"    worker calls while issuing: {workerDuring.Values.Sum() / (double)callers:F2} per start ({Breakdown(workerDuring, callers)}); until all completed: {workerAfter.Values.Sum() / (double)callers:F2} per instance ({Breakdown(workerAfter, callers)})");
                }
                finally
                {
                    foreach (var worker in workers)
                    {
                        await worker.DisposeAsync();
                    }
                }
            }

            rows.Add(new Row("8", $"Starts issued by one client, {callers:N0} concurrent callers (median of {reps}: {string.Join(" / ", rates.Select(r => r.ToString("F0")))})",
                $"{Median(rates):F0} starts/s ({callers / Median(rates):F2} s)", callers == 1000 ? "≥ 300 starts/s" : "", "1.9–3.6 s for 500–1,000", callers == 1000 ? Yes(Median(rates) >= 300) : ""));
        }

        Console.WriteLine();
    }
}
