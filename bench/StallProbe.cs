using System.Diagnostics;
using Azure.Data.Tables;

namespace Governance.Bench;

/// <summary>
/// Tells an emulator stall from a stall of this process: a dedicated thread (not the thread pool) every 200 ms
/// (a) measures how long a thread-pool work item waits to run, and (b) makes a synchronous Azurite call.
/// </summary>
public sealed class StallProbe : IDisposable
{
    private readonly Thread poolThread;
    private readonly Thread storageThread;
    private readonly TableClient table;
    private volatile bool stop;
    private long maxPoolTicks;
    private long maxStorageTicks;

    public StallProbe(string connectionString)
    {
        table = new TableServiceClient(connectionString).GetTableClient("StallProbe");
        table.CreateIfNotExists();
        table.UpsertEntity(new TableEntity("p", "r"));
        poolThread = new Thread(PoolLoop) { IsBackground = true, Name = "stall-probe-pool" };
        storageThread = new Thread(StorageLoop) { IsBackground = true, Name = "stall-probe-storage" };
        poolThread.Start();
        storageThread.Start();
    }

    /// <summary>Longest thread-pool dispatch delay and longest synchronous Azurite round trip since the last call.</summary>
    public (TimeSpan ThreadPool, TimeSpan Storage) TakeMax()
        => (TimeSpan.FromTicks(Interlocked.Exchange(ref maxPoolTicks, 0)), TimeSpan.FromTicks(Interlocked.Exchange(ref maxStorageTicks, 0)));

    /// <summary>Includes a call still in progress, so a stall shows while it lasts.</summary>
    private long poolStarted;
    private long storageStarted;

    public (TimeSpan ThreadPool, TimeSpan Storage) InProgress()
    {
        long now = Stopwatch.GetTimestamp();
        long p = Interlocked.Read(ref poolStarted), s = Interlocked.Read(ref storageStarted);
        return (p == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(p, now), s == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(s, now));
    }

    private void PoolLoop()
    {
        while (!stop)
        {
            long t0 = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref poolStarted, t0);
            Task.Run(() => { }).Wait();
            Interlocked.Exchange(ref poolStarted, 0);
            Max(ref maxPoolTicks, Stopwatch.GetElapsedTime(t0).Ticks);
            Thread.Sleep(200);
        }
    }

    private void StorageLoop()
    {
        while (!stop)
        {
            long t0 = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref storageStarted, t0);
            try
            {
                table.GetEntity<TableEntity>("p", "r");
            }
            catch (Exception)
            {
            }

            Interlocked.Exchange(ref storageStarted, 0);
            Max(ref maxStorageTicks, Stopwatch.GetElapsedTime(t0).Ticks);
            Thread.Sleep(200);
        }
    }

    private static void Max(ref long field, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, current) != current)
        {
        }
    }

    public void Dispose() => stop = true;
}
