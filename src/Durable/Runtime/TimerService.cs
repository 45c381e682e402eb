using Governance.Durable.Core;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Fires durable timers of the partitions this host owns. Timers are rows keyed by due time, so a timer of any
/// length is one row (no queue-visibility limit, no splitting). Due time is judged by the runtime's
/// <see cref="TimeProvider"/>, so fake and accelerated clocks work; a timer never fires before it is due.
/// Upcoming timers are kept in memory (those this host creates are added directly); storage is rescanned when the
/// loaded window runs out and periodically as a safety net.
/// </summary>
internal sealed class TimerService(TaskHubStore store, TimeProvider clock, ILogger logger, Action<TaskMessage, Trigger> deliver)
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(1);
    private static readonly TimeSpan RealRescanInterval = TimeSpan.FromSeconds(30);
    private readonly object gate = new();
    private readonly Dictionary<int, PartitionTimers> partitions = new();
    private readonly SemaphoreSlim wake = new(0);

    private sealed class PartitionTimers
    {
        public SortedSet<(DateTime FireAt, string RowKey)> Due { get; } = new();
        public Dictionary<string, (DateTime FireAt, TaskMessage Message)> Entries { get; } = new();
        public HashSet<string> Delivered { get; } = new();
        public DateTime WindowEnd { get; set; } = DateTime.MinValue;
        public DateTime LastScanReal { get; set; } = DateTime.MinValue;
    }

    public void AddPartition(int partition)
    {
        lock (gate)
        {
            partitions[partition] = new PartitionTimers();
        }

        wake.Release();
    }

    public void RemovePartition(int partition)
    {
        lock (gate)
        {
            partitions.Remove(partition);
        }
    }

    /// <summary>A timer this host just wrote.</summary>
    public void Add(int partition, string rowKey, DateTime fireAt, TaskMessage message)
    {
        lock (gate)
        {
            if (partitions.TryGetValue(partition, out var p) && !p.Entries.ContainsKey(rowKey))
            {
                p.Entries[rowKey] = (fireAt, message);
                p.Due.Add((fireAt, rowKey));
            }
        }

        wake.Release();
    }

    public void Forget(int partition, string rowKey)
    {
        lock (gate)
        {
            if (partitions.TryGetValue(partition, out var p) && p.Entries.Remove(rowKey, out var entry))
            {
                p.Due.Remove((entry.FireAt, rowKey));
                p.Delivered.Remove(rowKey);
            }
        }
    }

    /// <summary>The step a timer caused failed: deliver it again shortly.</summary>
    public void Redeliver(int partition, string rowKey)
    {
        _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ =>
        {
            lock (gate)
            {
                if (partitions.TryGetValue(partition, out var p))
                {
                    p.Delivered.Remove(rowKey);
                }
            }

            wake.Release();
        }, TaskScheduler.Default);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RescanIfNeededAsync(stopping);
                DateTime next = FireDue();
                TimeSpan wait = next - clock.GetUtcNow().UtcDateTime;
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var waits = new List<Task> { wake.WaitAsync(cts.Token), Task.Delay(RealRescanInterval, cts.Token) };
                if (wait <= TimeSpan.Zero)
                {
                    continue;
                }

                if (wait < TimeSpan.FromDays(365))
                {
                    waits.Add(Task.Delay(wait, clock, cts.Token));
                }

                await Task.WhenAny(waits);
                cts.Cancel();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Timer scan failed; retrying.");
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RescanIfNeededAsync(CancellationToken stopping)
    {
        DateTime now = clock.GetUtcNow().UtcDateTime;
        List<int> toScan;
        lock (gate)
        {
            toScan = partitions.Where(p => p.Value.WindowEnd <= now || DateTime.UtcNow - p.Value.LastScanReal > RealRescanInterval)
                .Select(p => p.Key).ToList();
        }

        foreach (int partition in toScan)
        {
            DateTime windowEnd = now + Window;
            var rows = await store.ReadTimersAsync(partition, windowEnd, stopping);
            lock (gate)
            {
                if (!partitions.TryGetValue(partition, out var p))
                {
                    continue;
                }

                foreach (var (rowKey, fireAt, message) in rows)
                {
                    if (!p.Entries.ContainsKey(rowKey))
                    {
                        p.Entries[rowKey] = (fireAt, message);
                        p.Due.Add((fireAt, rowKey));
                    }
                }

                p.WindowEnd = windowEnd;
                p.LastScanReal = DateTime.UtcNow;
            }
        }
    }

    /// <summary>Delivers every timer that is due; returns when the next one (or the window's end) falls due.</summary>
    private DateTime FireDue()
    {
        DateTime now = clock.GetUtcNow().UtcDateTime;
        var due = new List<(int Partition, string RowKey, TaskMessage Message)>();
        DateTime next = DateTime.MaxValue;
        lock (gate)
        {
            foreach (var (partition, p) in partitions)
            {
                foreach (var (fireAt, rowKey) in p.Due)
                {
                    if (fireAt > now)
                    {
                        next = fireAt < next ? fireAt : next;
                        break;
                    }

                    if (p.Delivered.Add(rowKey))
                    {
                        due.Add((partition, rowKey, p.Entries[rowKey].Message));
                    }
                }

                next = p.WindowEnd < next ? p.WindowEnd : next;
            }
        }

        foreach (var (partition, rowKey, message) in due)
        {
            deliver(message, new TimerTrigger(store, this, partition, rowKey));
        }

        return next;
    }
}
