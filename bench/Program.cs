using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using Governance.Bench;
using Governance.Durable;
using Governance.TestSupport;

// Benchmark of the Governance.Durable runtime on a private in-memory Azurite.
//   dotnet run -c Release --project bench [-- --quick] [-- --only floor|latency|throughput|requests|timers|history|replay|memory|failover|committee|split|twohost|starts]
// (--worker <hub> <workerId> is the benchmark's own child mode: a worker host in a separate process.)
if (args.Length == 3 && args[0] == "--worker")
{
    return await WorkerProcess.RunChildAsync(args[1], args[2]);
}

var argsList = args.ToList();
bool quick = argsList.Contains("--quick");
string? only = argsList.IndexOf("--only") is int i && i >= 0 && i + 1 < argsList.Count ? argsList[i + 1].ToLowerInvariant() : null;
string[] scenarios = ["floor", "latency", "throughput", "requests", "timers", "history", "replay", "memory", "failover", "committee", "split", "twohost", "starts"];
if (only is not null && !scenarios.Contains(only))
{
    Console.Error.WriteLine($"Unknown scenario '{only}'. Choose one of: {string.Join(", ", scenarios)}.");
    return 2;
}

bool Run(string name) => only is null || only == name;

var total = Stopwatch.StartNew();
Console.WriteLine("# Governance.Durable benchmark" + (quick ? " (--quick)" : string.Empty));
Console.WriteLine();
PrintMachine();
Console.WriteLine("Starting Azurite (in-memory)…");
await using var azurite = await Azurite.StartAsync();
Console.WriteLine($"Azurite listening: blob {azurite.BlobPort}, queue {azurite.QueuePort}, table {azurite.TablePort}");
Console.WriteLine();

var rows = new List<Row>();
var s = new Scenarios(azurite.ConnectionString, quick, rows);
if (Run("floor")) await s.FloorAsync();
if (Run("latency")) await s.LatencyAsync();
if (Run("throughput")) await s.ThroughputAsync();
if (Run("requests")) await s.RequestsAsync();
if (Run("timers")) await s.TimersAsync();
if (Run("history")) await s.HistoryAsync();
if (Run("replay")) await s.ReplayAsync();
if (Run("memory")) await s.MemoryAsync();
if (Run("failover")) await new FailoverScenario(azurite.ConnectionString, quick, rows).RunAsync();
if (Run("committee")) await new CommitteeYearScenario(azurite.ConnectionString, quick, rows).RunAsync();
var multiHost = new MultiHostScenarios(azurite.ConnectionString, quick, rows);
if (Run("split")) await multiHost.SplitClientAsync();
if (Run("twohost")) await multiHost.TwoHostsAsync();
if (Run("starts")) await multiHost.StartRateAsync();

Console.WriteLine();
Console.WriteLine($"## Results ({(quick ? "quick" : "full")} run, {total.Elapsed.TotalMinutes:F1} min)");
Console.WriteLine();
Console.WriteLine("| # | Metric | Result | Goal | DTFx baseline | Meets goal |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var r in rows)
{
    Console.WriteLine($"| {r.Id} | {r.Metric} | {r.Result} | {r.Goal} | {r.Baseline} | {r.Verdict} |");
}

return 0;

static void PrintMachine()
{
    string cpu = "?";
    string ram = "?";
    try
    {
        cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?";
        string? mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal"));
        if (mem is not null)
        {
            ram = $"{long.Parse(mem.Split(':')[1].Trim().Split(' ')[0]) / 1024.0 / 1024.0:F1} GiB";
        }
    }
    catch (IOException)
    {
    }

    string azuriteVersion = "?";
    try
    {
        string pkg = Path.Combine(Azurite.FindRepositoryRoot(), "node_modules", "azurite", "package.json");
        azuriteVersion = JsonDocument.Parse(File.ReadAllText(pkg)).RootElement.GetProperty("version").GetString() ?? "?";
    }
    catch (Exception)
    {
    }

    string node = "?";
    try
    {
        var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
        node = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
    }
    catch (Exception)
    {
    }

#if DEBUG
    const string config = "Debug (numbers not representative: use -c Release)";
#else
    const string config = "Release";
#endif
    Console.WriteLine("| Machine | |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| Cores | {Environment.ProcessorCount} ({cpu}); shared with other builds, numbers are noisy |");
    Console.WriteLine($"| RAM | {ram} |");
    Console.WriteLine($"| OS | {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}) |");
    Console.WriteLine($"| .NET | {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {config} |");
    Console.WriteLine($"| Azurite | {azuriteVersion} (node {node}), --inMemoryPersistence, loopback |");
    Console.WriteLine();
}

public sealed record Row(string Id, string Metric, string Result, string Goal, string Baseline, string Verdict);
