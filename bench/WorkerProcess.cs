using System.Diagnostics;

namespace Governance.Bench;

/// <summary>
/// A worker host in a separate process of this benchmark (started with <c>--worker</c>): it shares nothing with the
/// benchmark's client but storage. It reports how many partitions it owns on stdout and stops when stdin closes.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process process;
    private volatile int owned;
    private TaskCompletionSource<Dictionary<string, long>>? callsReply;

    private WorkerProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("owned ", StringComparison.Ordinal) == true && int.TryParse(e.Data[6..], out int n))
            {
                owned = n;
            }
            else if (e.Data?.StartsWith("calls ", StringComparison.Ordinal) == true)
            {
                callsReply?.TrySetResult(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(e.Data[6..])!);
            }
            else if (!string.IsNullOrEmpty(e.Data))
            {
                Console.WriteLine($"    [worker {process.Id}] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.WriteLine($"    [worker {process.Id} stderr] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int OwnedPartitions => owned;

    public TimeSpan Cpu
    {
        get
        {
            process.Refresh();
            return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }
    }

    /// <summary>The worker's storage calls so far by kind (asked over stdin, answered on stdout).</summary>
    public async Task<Dictionary<string, long>> CallsAsync()
    {
        callsReply = new TaskCompletionSource<Dictionary<string, long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await process.StandardInput.WriteLineAsync("calls");
        await process.StandardInput.FlushAsync();
        return await callsReply.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static WorkerProcess Start(string connectionString, string hubName, string workerId)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--worker");
        info.ArgumentList.Add(hubName);
        info.ArgumentList.Add(workerId);
        info.Environment["BENCH_CONNECTION_STRING"] = connectionString;
        return new WorkerProcess(Process.Start(info)!);
    }

    /// <summary>Waits until the given workers together own every partition, each its fair share (balancing is over).</summary>
    public static async Task WaitForPartitionsAsync(IReadOnlyList<WorkerProcess> workers, int partitions, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int share = partitions / workers.Count;
        while (workers.Sum(w => w.OwnedPartitions) < partitions || workers.Any(w => w.OwnedPartitions < share))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Workers own {string.Join("+", workers.Select(w => w.OwnedPartitions))}/{partitions} partitions after {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The child's side: runs a worker until stdin closes.</summary>
    public static async Task<int> RunChildAsync(string hubName, string workerId)
    {
        string connectionString = Environment.GetEnvironmentVariable("BENCH_CONNECTION_STRING")!;
        await using var host = await BenchHost.StartAsync(connectionString, hubName, workerId: workerId, ownedPartitions: 0);
        var stdinClosed = Task.Run(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line == "calls")
                {
                    Console.WriteLine("calls " + System.Text.Json.JsonSerializer.Serialize(host.Calls.Snapshot()));
                }
            }
        });
        int last = -1;
        while (!stdinClosed.IsCompleted)
        {
            int now = host.Hub.OwnedPartitions.Count;
            if (now != last)
            {
                Console.WriteLine($"owned {now}");
                last = now;
            }

            await Task.WhenAny(stdinClosed, Task.Delay(100));
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            process.Kill();
        }
        finally
        {
            process.Dispose();
        }
    }
}
