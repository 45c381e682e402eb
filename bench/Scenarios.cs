using System.Collections.Concurrent;
using System.Diagnostics;
using Governance.Durable;

namespace Governance.Bench;

/// <summary>The six scenarios. Each runs on its own task hub (fresh tables/queues) in the shared Azurite.</summary>
public sealed class Scenarios(string connectionString, bool quick, List<Row> rows)
{
    internal static string Ms(double ms) => ms >= 100 ? $"{ms:F0} ms" : $"{ms:F1} ms";

    internal static string Yes(bool ok) => ok ? "yes" : "**no**";

    internal static double Percentile(IReadOnlyList<double> sorted, double p)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    internal static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static async Task Settle(int ms = 2000) => await Task.Delay(ms);

    // ---- 0. the emulator's own floor ---------------------------------------------------------------------------

    /// <summary>Round trip and capacity of bare Azure SDK calls to this Azurite: the floor every runtime figure sits on.</summary>
    public async Task FloorAsync()
    {
        Console.WriteLine("## 0. Storage floor: bare Azure SDK calls to this Azurite (no runtime)");
        var tables = new Azure.Data.Tables.TableServiceClient(connectionString);
        var table = tables.GetTableClient("FloorProbe");
        await table.CreateIfNotExistsAsync();
        var queue = new Azure.Storage.Queues.QueueServiceClient(connectionString).GetQueueClient("floor-probe");
        await queue.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("p", "r") { ["Data"] = new string('x', 300) });

        async Task<double> SequentialAsync(Func<int, Task> call)
        {
            for (int k = 0; k < 20; k++)
            {
                await call(k);
            }

            var t = new List<double>();
            for (int k = 0; k < 200; k++)
            {
                long t0 = Stopwatch.GetTimestamp();
                await call(k);
                t.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            return Median(t);
        }

        double get = await SequentialAsync(_ => table.GetEntityAsync<Azure.Data.Tables.TableEntity>("p", "r"));
        double upsert = await SequentialAsync(k => table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("p", "r" + k) { ["Data"] = new string('x', 300) }));
        double put = await SequentialAsync(k => queue.SendMessageAsync("m" + k));
        Console.WriteLine($"  sequential round trip (median of 200): table GetEntity {Ms(get)}, table Upsert {Ms(upsert)}, queue Put {Ms(put)}");

        // Capacity: 64 concurrent callers upserting distinct rows for 5 s.
        var cpu0 = Memory.Cpu();
        long done = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        long t0 = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async w =>
        {
            int k = 0;
            while (!stop.IsCancellationRequested)
            {
                await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("c" + w, "r" + k++) { ["Data"] = new string('x', 300) });
                Interlocked.Increment(ref done);
            }
        }));
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var cpu1 = Memory.Cpu();
        double rate = done / seconds;
        Console.WriteLine($"  capacity: {rate:F0} table upserts/s with 64 concurrent callers; CPU per call: Azurite {(cpu1.Azurite - cpu0.Azurite).TotalMilliseconds / done:F2} ms, client {(cpu1.Self - cpu0.Self).TotalMilliseconds / done:F2} ms");
        // Azurite CPU per operation kind (sequential, so the figure is the emulator's work, not queueing).
        var costs = new List<string>();
        async Task CostAsync(string name, Func<int, Task> call, int count = 200)
        {
            var c0 = Memory.Cpu();
            long w0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < count; k++)
            {
                await call(k);
            }

            double wall = Stopwatch.GetElapsedTime(w0).TotalMilliseconds / count;
            var c1 = Memory.Cpu();
            costs.Add($"{name} {(c1.Azurite - c0.Azurite).TotalMilliseconds / count:F2} ms CPU ({Ms(wall)} wall)");
        }

        var tx = tables.GetTableClient("FloorTx");
        await tx.CreateIfNotExistsAsync();
        await CostAsync("GetEntity", _ => table.GetEntityAsync<Azure.Data.Tables.TableEntity>("p", "r"));
        await CostAsync("Upsert", k => table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("p", "u" + k) { ["Data"] = new string('x', 300) }));
        await CostAsync("Batch(4 upserts + 1 insert)", k => tx.SubmitTransactionAsync(Enumerable.Range(0, 4)
            .Select(j => new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.UpsertReplace, new Azure.Data.Tables.TableEntity("b" + k, "2|" + j) { ["Data"] = new string('x', 300) }))
            .Append(new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.Add, new Azure.Data.Tables.TableEntity("b" + k, "0") { ["Data"] = new string('x', 600) }))));
        await CostAsync($"Query(PartitionKey) on {tx.Query<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"]).Count():N0}-row table", k => tx.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "b" + k).ToListAsync().AsTask());
        for (int chunk = 0; chunk < 200; chunk++)
        {
            await tx.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(j => new Azure.Data.Tables.TableTransactionAction(
                Azure.Data.Tables.TableTransactionActionType.Add, new Azure.Data.Tables.TableEntity("fill" + chunk, "r" + j) { ["Data"] = new string('x', 300) })));
        }

        await CostAsync("Query(PartitionKey) on 21,000-row table", k => tx.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "b" + k).ToListAsync().AsTask());
        await CostAsync("GetEntity on 21,000-row table", k => tx.GetEntityAsync<Azure.Data.Tables.TableEntity>("b" + k, "0"));
        await CostAsync("Batch(4+1) on 21,000-row table", k => tx.SubmitTransactionAsync(Enumerable.Range(0, 4)
            .Select(j => new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.UpsertReplace, new Azure.Data.Tables.TableEntity("c" + k, "2|" + j) { ["Data"] = new string('x', 300) }))
            .Append(new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.Add, new Azure.Data.Tables.TableEntity("c" + k, "0") { ["Data"] = new string('x', 600) }))));
        await CostAsync("queue Put", k => queue.SendMessageAsync("m" + k));
        await CostAsync("queue Receive(up to 32)", _ => queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30)), 50);
        Console.WriteLine("  Azurite CPU per call (sequential): " + string.Join("; ", costs));
        await tables.DeleteTableAsync("FloorTx");
        await tables.DeleteTableAsync("FloorProbe");
        await queue.DeleteAsync();
        rows.Add(new Row("0", "Storage floor (context): bare SDK round trip, table GetEntity / Upsert / queue Put (median)", $"{Ms(get)} / {Ms(upsert)} / {Ms(put)}", "", "", ""));
        rows.Add(new Row("0", "Storage floor (context): Azurite capacity, table upserts/s at 64 concurrent callers", $"{rate:F0}/s", "", "", ""));
        Console.WriteLine();
    }

    // ---- 1. latency ------------------------------------------------------------------------------------------

    public async Task LatencyAsync()
    {
        int reps = quick ? 1 : 3, runs = quick ? 50 : 200, warmup = 20;
        Console.WriteLine($"## 1. Start→completion latency, 1-activity orchestration ({reps} × {runs} sequential runs after {warmup} warm-up)");
        await using var h = await BenchHost.StartAsync(connectionString, "BenchLatency");
        for (int w = 0; w < warmup; w++)
        {
            await RunOneAsync(h);
        }

        var perRep = new List<(double P50, double P95, double P99, double Max)>();
        var countsBefore = h.Calls.Snapshot();
        var timeBefore = h.Calls.TimeSnapshot();
        for (int rep = 1; rep <= reps; rep++)
        {
            var samples = new List<double>(runs);
            for (int n = 0; n < runs; n++)
            {
                samples.Add(await RunOneAsync(h));
            }

            samples.Sort();
            var r = (Percentile(samples, 0.50), Percentile(samples, 0.95), Percentile(samples, 0.99), samples[^1]);
            perRep.Add(r);
            Console.WriteLine($"  run {rep}: p50 {Ms(r.Item1)}, p95 {Ms(r.Item2)}, p99 {Ms(r.Item3)}, max {Ms(r.Item4)}, mean {Ms(samples.Average())}");
        }

        PrintCallTimes(h, countsBefore, timeBefore, reps * runs);
        h.Warnings.PrintTop();
        double p50 = Median(perRep.Select(r => r.P50)), p95 = Median(perRep.Select(r => r.P95)), p99 = Median(perRep.Select(r => r.P99));
        rows.Add(new Row("1", "1-activity start→completion latency, warm host (p50 / p95 / p99)" + (reps > 1 ? $", median of {reps}×{runs}" : $", {runs} runs"),
            $"{Ms(p50)} / {Ms(p95)} / {Ms(p99)}", "p50 ≤ 15 ms", "37.9 / 63.7 ms", Yes(p50 <= 15)));
        Console.WriteLine();
    }

    /// <summary>Per orchestration: calls by operation and their mean duration (the critical path is mostly these, in sequence).</summary>
    private static void PrintCallTimes(BenchHost h, Dictionary<string, long> countsBefore, Dictionary<string, TimeSpan> timeBefore, int orchestrations)
    {
        var counts = RequestCounter.Diff(h.Calls.Snapshot(), countsBefore);
        var times = h.Calls.TimeSnapshot();
        double totalMs = 0;
        var parts = new List<string>();
        foreach (var (key, n) in counts.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value))
        {
            double ms = (times.GetValueOrDefault(key) - timeBefore.GetValueOrDefault(key)).TotalMilliseconds;
            if (!key.Contains("Receive") && !key.Contains("Lease") && !key.Contains("List"))
            {
                totalMs += ms;
            }

            parts.Add($"{key} {n / (double)orchestrations:F2}× {ms / n:F1} ms");
        }

        Console.WriteLine("  storage calls per orchestration (count × mean duration): " + string.Join("; ", parts));
        Console.WriteLine($"  → storage time per orchestration (excluding polling/leases): {totalMs / orchestrations:F1} ms");
    }

    internal static async Task<double> RunOneAsync(BenchHost h)
    {
        long t0 = Stopwatch.GetTimestamp();
        string id = await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(OneActivity));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var m = await h.WaitAsync(id, cts.Token);
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (m?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"Instance {id} ended {m?.RuntimeStatus.ToString() ?? "(timeout)"}.");
        }

        return ms;
    }

    // ---- 2. throughput ---------------------------------------------------------------------------------------

    public async Task ThroughputAsync()
    {
        int reps = quick ? 1 : 3;
        Console.WriteLine($"## 2. Throughput, HelloCities5 (5 sequential activities) started N at once ({reps} run(s) each; default options: 4 partitions, 100 orchestrator / 20 activity slots)");
        foreach (int n in new[] { 500, 1000 })
        {
            var results = new List<BatchResult>();
            for (int rep = 1; rep <= reps; rep++)
            {
                // Each run gets a fresh emulator: Azurite's own cost grows with the data it holds (partition queries scan
                // the table) and it pauses for its queue GC, which would otherwise be charged to later runs.
                await using var azurite = await Governance.TestSupport.Azurite.StartAsync();
                Memory.ResetAzurite();
                await using var h = await BenchHost.StartAsync(azurite.ConnectionString, "BenchThroughput");
                for (int w = 0; w < 20; w++)
                {
                    string id = await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5));
                    await h.WaitAsync(id, CancellationToken.None);
                }

                await Settle();
                var idle = await MeasureIdleAsync(h, 5);
                var r = await RunBatchAsync(h, n, idle, TimeSpan.FromMinutes(5));
                results.Add(r);
                Console.WriteLine($"  N={n} run {rep}: {r.Completed}/{n} completed in {r.Seconds:F1} s (all scheduled after {r.ScheduleSeconds:F1} s) → {r.PerSecond:F1} orch/s, {r.EventsPerSecond:F0} history events/s; " +
                                  $"runtime requests/orch {r.RuntimeRequestsPerOrch:F1} (+{r.ClientWaitPerOrch:F1} client-wait polls), SDK retries {r.Retries}");
                if (r.Stuck.Count > 0)
                {
                    Console.WriteLine($"    NOT COMPLETED within timeout: {r.Stuck.Count}, e.g. {string.Join("; ", r.Stuck.Take(5))}");
                }

                Console.WriteLine("    top runtime requests/orch: " + string.Join(", ", r.TopPerOrch.Take(8).Select(kv => $"{kv.Key} {kv.Value:F2}")));
                Console.WriteLine("    slowest single calls: " + h.SlowestCalls());
                h.Warnings.PrintTop("    ");
                var (sessions, watchers) = h.Internals();
                Console.WriteLine($"    hub internals (reflection): {sessions:N0} cached sessions, {watchers:N0} completion-waiter entries (instances ever waited on: {h.WaitedOn:N0})");
            }

            double rate = Median(results.Select(r => r.PerSecond));
            double events = Median(results.Select(r => r.EventsPerSecond));
            double reqs = Median(results.Select(r => r.RuntimeRequestsPerOrch));
            int stuck = results.Sum(r => r.Stuck.Count);
            rows.Add(new Row("2", $"Throughput HelloCities5, {n:N0} started at once, fresh Azurite per run" + (reps > 1 ? $" (median of {reps}: {string.Join(" / ", results.Select(r => r.PerSecond.ToString("F1")))})" : string.Empty),
                $"{rate:F1} orch/s, {events:F0} events/s{(stuck > 0 ? $", **{stuck} not completed**" : string.Empty)}",
                n == 500 ? "≥ 60 orch/s" : "≥ 45 orch/s", n == 500 ? "10.8 orch/s" : "5.2 orch/s", Yes(rate >= (n == 500 ? 60 : 45) && stuck == 0)));
            rows.Add(new Row("2", $"  storage requests/orch under load (N = {n:N0}, idle polling subtracted, client waits excluded)",
                $"{reqs:F1} (+{Median(results.Select(r => r.ClientWaitPerOrch)):F1} client-wait reads)", "≤ 20", "77.8", Yes(reqs <= 20)));
        }

        Console.WriteLine();
    }

    private sealed record BatchResult(int Completed, double Seconds, double ScheduleSeconds, double PerSecond, double EventsPerSecond,
        double RuntimeRequestsPerOrch, double ClientWaitPerOrch, long Retries, List<string> Stuck, List<KeyValuePair<string, double>> TopPerOrch);

    private static async Task<BatchResult> RunBatchAsync(BenchHost h, int n, Dictionary<string, double> idlePerSecond, TimeSpan timeout)
    {
        var before = h.Calls.Snapshot();
        long attemptsBefore = h.Attempts.Total, callsBefore = h.Calls.Total;
        var cpu0 = Memory.Cpu();
        long t0 = Stopwatch.GetTimestamp();
        var ids = await Task.WhenAll(Enumerable.Range(0, n).Select(_ => h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5))));
        double scheduled = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        using var cts = new CancellationTokenSource(timeout);
        var metas = await Task.WhenAll(ids.Select(id => h.WaitAsync(id, cts.Token)));
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var cpu1 = Memory.Cpu();
        var diff = RequestCounter.Diff(h.Calls.Snapshot(), before);
        long retries = (h.Attempts.Total - attemptsBefore) - (h.Calls.Total - callsBefore);
        Console.WriteLine($"    CPU during the run: bench process (runtime + client) {(cpu1.Self - cpu0.Self).TotalSeconds:F1} s = {(cpu1.Self - cpu0.Self).TotalMilliseconds / n:F1} ms/orch, " +
                          $"Azurite {(cpu1.Azurite - cpu0.Azurite).TotalSeconds:F1} s = {(cpu1.Azurite - cpu0.Azurite).TotalMilliseconds / n:F1} ms/orch, over {seconds:F1} s wall on {Environment.ProcessorCount} cores");
        int completed = metas.Count(m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
        var stuck = new List<string>();
        for (int k = 0; k < ids.Length; k++)
        {
            if (metas[k]?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                var m = await h.Client.GetInstanceAsync(ids[k]);
                stuck.Add($"{ids[k]}: {m?.RuntimeStatus.ToString() ?? "missing"}, {m?.HistoryEventCount} events");
            }
        }

        long events = metas.Where(m => m is not null).Sum(m => (long)m!.HistoryEventCount);
        var runtime = Subtract(diff.Where(kv => !kv.Key.StartsWith("client-wait", StringComparison.Ordinal)), idlePerSecond, seconds);
        double runtimeTotal = runtime.Values.Sum();
        double clientWait = diff.Where(kv => kv.Key.StartsWith("client-wait", StringComparison.Ordinal)).Sum(kv => kv.Value);
        var top = runtime.OrderByDescending(kv => kv.Value).Select(kv => new KeyValuePair<string, double>(kv.Key, kv.Value / n)).ToList();
        return new BatchResult(completed, seconds, scheduled, completed / seconds, events / seconds, runtimeTotal / n, clientWait / n, retries, stuck, top);
    }

    /// <summary>Counts minus the idle polling rate over the same duration (never below zero per operation).</summary>
    private static Dictionary<string, double> Subtract(IEnumerable<KeyValuePair<string, long>> counts, Dictionary<string, double> idlePerSecond, double seconds)
    {
        var result = counts.ToDictionary(kv => kv.Key, kv => (double)kv.Value);
        foreach (var (key, rate) in idlePerSecond)
        {
            result[key] = Math.Max(0, result.GetValueOrDefault(key) - rate * seconds);
        }

        return result.Where(kv => kv.Value > 0).ToDictionary();
    }

    private static async Task<Dictionary<string, double>> MeasureIdleAsync(BenchHost h, int seconds)
    {
        var before = h.Calls.Snapshot();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var diff = RequestCounter.Diff(h.Calls.Snapshot(), before);
        var rate = diff.Where(kv => kv.Value > 0).ToDictionary(kv => kv.Key, kv => kv.Value / (double)seconds);
        Console.WriteLine($"  idle baseline over {seconds} s: {rate.Values.Sum():F1} requests/s (" +
                          string.Join(", ", rate.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:F2}/s")) + ")");
        return rate;
    }

    // ---- 3. requests per orchestration -----------------------------------------------------------------------

    public async Task RequestsAsync()
    {
        int runs = quick ? 20 : 50;
        Console.WriteLine($"## 3. Storage requests per HelloCities5 ({runs} sequential orchestrations, idle polling subtracted)");
        await using var h = await BenchHost.StartAsync(connectionString, "BenchRequests");
        for (int w = 0; w < 3; w++)
        {
            string id = await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5));
            await h.WaitAsync(id, CancellationToken.None);
        }

        await Settle(3000);
        var idle = await MeasureIdleAsync(h, quick ? 10 : 20);
        var before = h.Calls.Snapshot();
        long attemptsBefore = h.Attempts.Total, callsBefore = h.Calls.Total;
        long t0 = Stopwatch.GetTimestamp();
        for (int n = 0; n < runs; n++)
        {
            string id = await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities5));
            var m = await h.WaitAsync(id, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            if (m?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                Console.WriteLine($"  instance {id} ended {m?.RuntimeStatus.ToString() ?? "(timeout)"}");
            }
        }

        await Settle(3000); // let the last trigger deletes land
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var diff = RequestCounter.Diff(h.Calls.Snapshot(), before);
        long retries = (h.Attempts.Total - attemptsBefore) - (h.Calls.Total - callsBefore);
        var runtime = Subtract(diff.Where(kv => !kv.Key.StartsWith("client-wait", StringComparison.Ordinal)), idle, seconds);
        var client = diff.Where(kv => kv.Key.StartsWith("client-wait", StringComparison.Ordinal) && kv.Value > 0).ToDictionary(kv => kv.Key, kv => (double)kv.Value);
        double perOrch = runtime.Values.Sum() / runs;
        double rawPerOrch = diff.Where(kv => !kv.Key.StartsWith("client-wait", StringComparison.Ordinal)).Sum(kv => kv.Value) / (double)runs;
        Console.WriteLine($"  duration {seconds:F1} s; SDK retries {retries}");
        Console.WriteLine("  | requests per orchestration | count |");
        Console.WriteLine("  |---|---|");
        foreach (var (key, value) in runtime.OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine($"  | {key} | {value / runs:F2} |");
        }

        Console.WriteLine($"  | **runtime total (idle polling subtracted)** | **{perOrch:F2}** |");
        Console.WriteLine($"  | runtime total, raw (idle polling included) | {rawPerOrch:F2} |");
        foreach (var (key, value) in client.OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine($"  | {key} (benchmark's WaitForInstanceCompletionAsync) | {value / runs:F2} |");
        }

        var byService = runtime.GroupBy(kv => kv.Key.Split(' ')[0]).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value) / runs);
        h.Warnings.PrintTop();
        rows.Add(new Row("3", "Storage requests per HelloCities5 (sequential; idle polling subtracted; client wait polling excluded)",
            $"{perOrch:F1} ({string.Join(", ", byService.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:F1}"))}); +{client.Values.Sum() / runs:F1} client-wait reads",
            "≤ 20", "77.8", Yes(perOrch <= 20)));
        Console.WriteLine();
    }

    // ---- 4. timers -------------------------------------------------------------------------------------------

    public async Task TimersAsync()
    {
        int n = quick ? 50 : 200;
        Console.WriteLine($"## 4. Timer lateness, real clock ({n} orchestrations, each a durable timer 2–5 s ahead, started at once)");
        await using var h = await BenchHost.StartAsync(connectionString, "BenchTimers");
        for (int w = 0; w < 3; w++)
        {
            string id = await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TimerProbe), 0.3);
            await h.WaitAsync(id, CancellationToken.None);
        }

        var random = new Random(42);
        var delays = Enumerable.Range(0, n).Select(_ => 2 + random.NextDouble() * 3).ToList();
        long t0 = Stopwatch.GetTimestamp();
        var ids = await Task.WhenAll(delays.Select(d => h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TimerProbe), d)));
        Console.WriteLine($"  scheduled {n} in {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var metas = await Task.WhenAll(ids.Select(id => h.WaitAsync(id, cts.Token, getOutputs: true)));
        var completedIds = ids.Where((id, k) => metas[k]?.RuntimeStatus == OrchestrationRuntimeStatus.Completed).ToList();
        var results = metas.Where(m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed).Select(m => m!.ReadOutputAs<TimerProbeResult>()!).ToList();
        int missing = n - results.Count;

        // Processed time of TimerFired, from history: its Timestamp is the start of the step that recorded it.
        var fromHistory = new ConcurrentBag<double>();
        await Parallel.ForEachAsync(completedIds, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
        {
            var history = await h.Client.GetInstanceHistoryAsync(id, cancellation: ct);
            var fired = history.OfType<TimerFiredEvent>().Single();
            fromHistory.Add((fired.Timestamp - fired.FireAt).TotalMilliseconds);
        });
        var late = fromHistory.OrderBy(x => x).ToList();
        var lateActivity = results.Select(r => (r.ActivityAt - r.DueAt).TotalMilliseconds).OrderBy(x => x).ToList();
        var contextClock = results.Select(r => (r.FiredStepAt - r.DueAt).TotalMilliseconds).OrderBy(x => x).ToList();
        int early = late.Count(x => x < 0);
        Console.WriteLine($"  TimerFired processed (history timestamp) − due: p50 {Ms(Percentile(late, 0.5))}, p99 {Ms(Percentile(late, 0.99))}, max {Ms(late[^1])}, min {Ms(late[0])}, early {early}");
        Console.WriteLine($"  following activity ran − due: p50 {Ms(Percentile(lateActivity, 0.5))}, p99 {Ms(Percentile(lateActivity, 0.99))}, max {Ms(lateActivity[^1])}, min {Ms(lateActivity[0])}");
        Console.WriteLine($"  context.CurrentUtcDateTime seen by the orchestrator right after the timer − due: p50 {Ms(Percentile(contextClock, 0.5))}, min {Ms(contextClock[0])}, max {Ms(contextClock[^1])}" +
                          (contextClock[^1] < 0 ? "  ← STALE: the live executor's clock is not advanced by the step's OrchestratorStarted (see findings)" : string.Empty));
        if (missing > 0)
        {
            Console.WriteLine($"  **{missing} instances did not complete within 90 s**");
        }

        h.Warnings.PrintTop();
        rows.Add(new Row("4", $"Timer lateness, {n} timers 2–5 s ahead (TimerFired processed − due, from history: p50 / p99 / max; early fires)",
            $"{Ms(Percentile(late, 0.5))} / {Ms(Percentile(late, 0.99))} / {Ms(late[^1])}; early: {early}{(missing > 0 ? $"; **{missing} not completed**" : string.Empty)}",
            "never early, p99 ≤ 500 ms", "up to 1 s early", Yes(early == 0 && Percentile(late, 0.99) <= 500 && missing == 0)));
        rows.Add(new Row("4", "  same, measured at the activity after the timer (p50 / p99 / max)",
            $"{Ms(Percentile(lateActivity, 0.5))} / {Ms(Percentile(lateActivity, 0.99))} / {Ms(lateActivity[^1])}", "", "", ""));
        rows.Add(new Row("4", "  context.CurrentUtcDateTime right after the timer − due (should be ≥ 0; min / max)",
            $"{Ms(contextClock[0])} / {Ms(contextClock[^1])}", "≥ 0", "", Yes(contextClock[0] >= 0)));
        Console.WriteLine();
    }

    // ---- 5. history read ------------------------------------------------------------------------------------

    public async Task HistoryAsync()
    {
        Console.WriteLine("## 5. History read time (GetInstanceHistoryAsync, median of 10 after 2 warm-up reads)");
        await using var h = await BenchHost.StartAsync(connectionString, "BenchHistory");
        foreach (int activities in new[] { 5, 30, 60, 249, 500 })
        {
            long t0 = Stopwatch.GetTimestamp();
            string id = await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Chain), activities);
            var m = await h.WaitAsync(id, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
            double runSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (m?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                Console.WriteLine($"  Chain({activities}) ended {m?.RuntimeStatus.ToString() ?? "(timeout)"}");
                continue;
            }

            // Cold: the client's cache of finished histories emptied before each read (what a first read costs);
            // warm: served from that cache after a check that storage still holds the execution.
            async Task<(double Median, double Min, double Max, double CpuMs, double AzuriteMs, int Count)> ReadAsync(bool cold)
            {
                var times = new List<double>();
                int count = 0;
                var cpu0 = Memory.Cpu();
                for (int k = 0; k < 12; k++)
                {
                    if (cold)
                    {
                        h.Hub.HistoryCache.Clear();
                    }

                    long r0 = Stopwatch.GetTimestamp();
                    var history = await h.Client.GetInstanceHistoryAsync(id);
                    double ms = Stopwatch.GetElapsedTime(r0).TotalMilliseconds;
                    count = history.Count;
                    if (k >= 2)
                    {
                        times.Add(ms);
                    }
                }

                var cpu1 = Memory.Cpu();
                return (Median(times), times.Min(), times.Max(), (cpu1.Self - cpu0.Self).TotalMilliseconds / 12, (cpu1.Azurite - cpu0.Azurite).TotalMilliseconds / 12, count);
            }

            var coldRead = await ReadAsync(cold: true);
            var warmRead = await ReadAsync(cold: false);
            h.Hub.HistoryCache.Clear();
            var before = h.Calls.Snapshot();
            await h.Client.GetInstanceHistoryAsync(id);
            var reqs = RequestCounter.Diff(h.Calls.Snapshot(), before).Where(kv => kv.Value > 0 && !kv.Key.Contains("Receive") && !kv.Key.Contains("Lease")).ToList();
            int count = coldRead.Count;
            Console.WriteLine($"  {count}-event history ({activities} sequential activities; orchestration ran in {runSeconds:F1} s = {runSeconds * 1000 / (activities + 1):F1} ms/step): " +
                              $"cold read median {Ms(coldRead.Median)} (min {Ms(coldRead.Min)}, max {Ms(coldRead.Max)}), CPU per read: bench {coldRead.CpuMs:F1} ms, Azurite {coldRead.AzuriteMs:F1} ms; " +
                              $"cached read median {Ms(warmRead.Median)}, CPU bench {warmRead.CpuMs:F2} ms; requests per cold read: {string.Join(", ", reqs.Select(kv => $"{kv.Key} ×{kv.Value}"))}");
            if (activities != 5)
            {
                string dtfx = count switch { < 200 => "5.2 ms, 124 events", < 500 => "9.8 ms, 244 events", < 1500 => "36.1 ms, 1,000 events", _ => "49.9 ms loaded / 46.9 quiet; CPU 22–26 ms" };
                rows.Add(new Row("5", $"History read, {count}-event instance, first read (cache emptied; median of 10) / cached re-read; client CPU per first read",
                    $"{Ms(coldRead.Median)} / {Ms(warmRead.Median)}; CPU {coldRead.CpuMs:F1} ms", count > 1500 ? "≤ 40 ms, CPU ≤ DTFx (22 ms)" : "", dtfx, count > 1500 ? Yes(coldRead.Median <= 40 && coldRead.CpuMs <= 22) : ""));
            }
        }

        h.Warnings.PrintTop();
        Console.WriteLine();
    }

    // ---- 5b. replay determinism ------------------------------------------------------------------------------

    /// <summary>Not a performance figure: checks that NewGuid() is the same on replay (host without instance cache, so every step replays).</summary>
    public async Task ReplayAsync()
    {
        const int n = 20;
        Console.WriteLine($"## 5b. Replay determinism of NewGuid()/CurrentUtcDateTime ({n} ReplayProbe instances; InstanceCacheSize 0 vs default)");
        foreach (bool restart in new[] { false, true })
        {
            string hub = restart ? "BenchReplayRestart" : "BenchReplayNoCache";
            Action<DurableTaskOptions> configure = restart ? _ => { } : o => o.InstanceCacheSize = 0;
            string mode = restart ? "default cache, host restarted before the event" : "InstanceCacheSize 0";
            var h = await BenchHost.StartAsync(connectionString, hub, configure);
            var ids = await Task.WhenAll(Enumerable.Range(0, n).Select(_ => h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ReplayProbe))));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            foreach (string id in ids)
            {
                while ((await h.Client.GetInstanceAsync(id))?.WaitingForEvents.Contains("go") != true && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }

            await Task.Delay(1000); // let the sessions go quiet (and be evicted with cache size 0)
            if (restart)
            {
                await h.DisposeAsync();
                h = await BenchHost.StartAsync(connectionString, hub, configure);
            }

            await Task.WhenAll(ids.Select(id => h.Client.RaiseEventAsync(id, "go", "now")));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var metas = await Task.WhenAll(ids.Select(id => h.WaitAsync(id, cts.Token, getOutputs: true)));
            var outputs = metas.Select(m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? m.ReadOutputAs<string>() : $"ended {m?.RuntimeStatus.ToString() ?? "(timeout)"}: {m?.FailureDetails?.ErrorMessage}").ToList();
            int consistent = outputs.Count(o => o == "consistent");
            Console.WriteLine($"  {mode}: {consistent}/{n} consistent; e.g. {outputs.FirstOrDefault(o => o != "consistent") ?? "-"}");
            h.Warnings.PrintTop();
            await h.DisposeAsync();
            rows.Add(new Row("5b", $"Replay determinism: NewGuid() equal on replay ({mode})", $"{consistent}/{n} consistent", $"{n}/{n}", "", Yes(consistent == n)));
        }

        Console.WriteLine();
    }

    // ---- 6. memory with many waiting instances ---------------------------------------------------------------

    public async Task MemoryAsync()
    {
        int target = quick ? 5_000 : 100_000;
        TimeSpan budget = quick ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(8);
        const int parallelism = 64;
        Console.WriteLine($"## 6. Process memory with {target:N0} instances waiting for an external event (started through the client, {parallelism} in parallel, time budget {budget.TotalMinutes:F0} min)");
        await using var h = await BenchHost.StartAsync(connectionString, "BenchMemory");
        long stepsDone = 0;
        h.Hub.StepExecuting += (_, starting) =>
        {
            if (!starting)
            {
                Interlocked.Increment(ref stepsDone);
            }
        };

        using var probe = new StallProbe(connectionString);
        var m0 = Memory.Measure("empty hub, worker running");
        int created = 0;
        int failed = 0;
        var checkpoints = new List<Memory.Sample> { m0 };
        long t0 = Stopwatch.GetTimestamp();
        using var budgetCts = new CancellationTokenSource(budget);
        var progress = Task.Run(async () =>
        {
            int lastCreated = 0;
            int ticksSinceCheckpoint = 0;
            var cpuLast = Memory.Cpu();
            while (!budgetCts.IsCancellationRequested && Volatile.Read(ref created) < target)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(quick ? 10 : 30), budgetCts.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                int c = Volatile.Read(ref created);
                var (sessions, watchers) = h.Internals();
                Console.WriteLine($"  {Stopwatch.GetElapsedTime(t0).TotalSeconds,5:F0} s: {c:N0} started ({(c - lastCreated) / (quick ? 10.0 : 30.0):F0}/s since the last line), {Interlocked.Read(ref stepsDone):N0} steps done, " +
                                  $"working set {Environment.WorkingSet / 1048576.0:F0} MiB, GC heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB (no forced GC), cached sessions {sessions:N0}, Azurite RSS {Memory.AzuriteRssMiB():F0} MiB, SDK retries {h.Attempts.Total - h.Calls.Total}");
                var (poolMax, storageMax) = probe.TakeMax();
                var (poolNow, storageNow) = probe.InProgress();
                var cpuNow = Memory.Cpu();
                double window = (quick ? 10.0 : 30.0) * 1000;
                Console.WriteLine($"         slowest calls since the last line: {h.SlowestCalls()}; probes on dedicated threads: thread-pool dispatch max {poolMax.TotalMilliseconds:F0} ms (pending {poolNow.TotalMilliseconds:F0} ms), " +
                                  $"sync Azurite GetEntity max {storageMax.TotalMilliseconds:F0} ms (pending {storageNow.TotalMilliseconds:F0} ms); CPU: bench {(cpuNow.Self - cpuLast.Self).TotalMilliseconds / window * 100:F0}%, Azurite {(cpuNow.Azurite - cpuLast.Azurite).TotalMilliseconds / window * 100:F0}% of a core");
                cpuLast = cpuNow;
                if (++ticksSinceCheckpoint % (quick ? 3 : 4) == 0)
                {
                    lock (checkpoints)
                    {
                        checkpoints.Add(Memory.Measure($"{c:N0} started (during creation)") with { Instances = c });
                    }
                }

                lastCreated = c;
            }
        });
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, target), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = budgetCts.Token }, async (k, ct) =>
            {
                try
                {
                    await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForGo), null, new StartOrchestrationOptions($"w{k:D6}"), ct);
                    Interlocked.Increment(ref created);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine($"  time budget reached after {created:N0} instances");
        }

        budgetCts.Cancel();
        await progress;
        double createSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine($"  started {created:N0} instances in {createSeconds:F0} s ({created / createSeconds:F0}/s); {failed} start calls failed");

        // Wait until each instance has run its first step (and gone quiet).
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (Interlocked.Read(ref stepsDone) < created && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        Console.WriteLine($"  {Interlocked.Read(ref stepsDone):N0} steps done {Stopwatch.GetElapsedTime(t0).TotalSeconds:F0} s after the first start");
        await Settle(5000);
        var m1 = Memory.Measure($"{created:N0} waiting instances") with { Instances = created };
        checkpoints.Add(m1);
        var (cachedSessions, watcherEntries) = h.Internals();
        Console.WriteLine($"  hub internals (reflection): {cachedSessions:N0} cached sessions (InstanceCacheSize {h.Hub.Options.InstanceCacheSize:N0}), {watcherEntries:N0} completion-waiter entries");

        // Sanity: the waiting instances are alive.
        var sample = Enumerable.Range(0, 5).Select(k => $"w{k * Math.Max(1, created / 5):D6}").ToList();
        await Task.WhenAll(sample.Select(id => h.Client.RaiseEventAsync(id, "go", "now")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var done = await Task.WhenAll(sample.Select(id => h.WaitAsync(id, cts.Token)));
        Console.WriteLine($"  sanity: raised 'go' to {sample.Count} of them → {done.Count(d => d?.RuntimeStatus == OrchestrationRuntimeStatus.Completed)} completed");

        foreach (var c in checkpoints)
        {
            Console.WriteLine($"  {c}");
        }

        double perInstanceKiB = created > 0 ? (m1.GcHeapBytes - m0.GcHeapBytes) / 1024.0 / created : double.NaN;
        Console.WriteLine($"  note: Azurite, not the runtime, limits the creation rate (single-threaded node at ~100% of a core; it also freezes for tens of seconds at a time, see the probes above)");
        h.Warnings.PrintTop();
        string label = created >= target ? $"{created:N0} waiting" : $"{created:N0} waiting (budget reached)";
        rows.Add(new Row("6", $"Process memory, {label}: working set / GC heap after full GC (empty hub: {m0.WorkingSetMiB:F0} / {m0.GcHeapMiB:F0} MiB)",
            $"{m1.WorkingSetMiB:F0} MiB / {m1.GcHeapMiB:F0} MiB ({perInstanceKiB:F2} KiB GC heap per instance); Azurite RSS {m1.AzuriteMiB:F0} MiB", "", "", ""));
        if (created < target && created > 0)
        {
            // Least-squares slope over the checkpoints taken once the session cache was full (memory is expected to be
            // bounded by InstanceCacheSize); clamped at zero when the fit is negative (noise).
            var past = checkpoints.Where(c => c.Instances >= h.Hub.Options.InstanceCacheSize).ToList();
            double slopeHeap = 0, slopeWs = 0;
            if (past.Count >= 2)
            {
                double mx = past.Average(c => (double)c.Instances);
                double Fit(Func<Memory.Sample, double> y)
                {
                    double my = past.Average(y);
                    return past.Sum(c => (c.Instances - mx) * (y(c) - my)) / past.Sum(c => (c.Instances - mx) * (c.Instances - mx));
                }

                slopeHeap = Math.Max(0, Fit(c => c.GcHeapBytes));
                slopeWs = Math.Max(0, Fit(c => c.WorkingSetBytes));
            }

            double heap = (m1.GcHeapBytes + slopeHeap * (target - created)) / 1048576.0;
            double ws = (m1.WorkingSetBytes + slopeWs * (target - created)) / 1048576.0;
            rows.Add(new Row("6", $"  EXTRAPOLATED to {target:N0} (least-squares over {past.Count} checkpoints ≥ {h.Hub.Options.InstanceCacheSize:N0} instances: {slopeHeap:F0} B heap, {slopeWs:F0} B WS per instance, clamped ≥ 0; not measured)",
                $"≈ {ws:F0} MiB working set / {heap:F0} MiB GC heap", "", "", ""));
        }

        rows.Add(new Row("6", "  creation rate of waiting instances through the client (64 in parallel)", $"{created / createSeconds:F0} instances/s", "", "", ""));
        Console.WriteLine();
    }
}

internal static class Memory
{
    public sealed record Sample(string Label, long WorkingSetBytes, long GcHeapBytes, long GcCommittedBytes, double AzuriteMiB)
    {
        public int Instances { get; init; }

        public double WorkingSetMiB => WorkingSetBytes / 1048576.0;
        public double GcHeapMiB => GcHeapBytes / 1048576.0;

        public override string ToString()
            => $"{Label}: working set {WorkingSetMiB:F0} MiB, GC heap {GcHeapMiB:F1} MiB (committed {GcCommittedBytes / 1048576.0:F0} MiB), Azurite RSS {AzuriteMiB:F0} MiB";
    }

    public static Sample Measure(string label)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        long heap = GC.GetTotalMemory(false);
        var info = GC.GetGCMemoryInfo();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return new Sample(label, self.WorkingSet64, heap, info.TotalCommittedBytes, AzuriteRssMiB());
    }

    private static int? azuritePid;

    public static void ResetAzurite() => azuritePid = null;

    /// <summary>The node child process (Azurite), found through /proc.</summary>
    public static Process? Azurite()
    {
        try
        {
            if (azuritePid is { } known)
            {
                try
                {
                    var p = Process.GetProcessById(known);
                    if (!p.HasExited)
                    {
                        return p;
                    }
                }
                catch (ArgumentException)
                {
                }

                azuritePid = null;
            }

            int me = Environment.ProcessId;
            Process? newest = null;
            foreach (var p in Process.GetProcessesByName("node"))
            {
                string stat = File.ReadAllText($"/proc/{p.Id}/stat");
                int ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (ppid == me && (newest is null || p.StartTime > newest.StartTime))
                {
                    newest?.Dispose();
                    newest = p;
                }
                else
                {
                    p.Dispose();
                }
            }

            if (newest is not null)
            {
                azuritePid = newest.Id;
                return newest;
            }
        }
        catch (Exception)
        {
        }

        return null;
    }

    public static double AzuriteRssMiB()
    {
        using var p = Azurite();
        return p is null ? double.NaN : p.WorkingSet64 / 1048576.0;
    }

    /// <summary>CPU time used so far by this process and by Azurite.</summary>
    public static (TimeSpan Self, TimeSpan Azurite) Cpu()
    {
        using var self = Process.GetCurrentProcess();
        using var node = Azurite();
        return (self.TotalProcessorTime, node?.TotalProcessorTime ?? TimeSpan.Zero);
    }
}
