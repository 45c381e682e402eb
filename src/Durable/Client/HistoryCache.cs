using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using Governance.Durable.Core;

namespace Governance.Durable;

/// <summary>
/// Histories of finished executions, by execution id: a finished execution's history never changes, and auditors
/// read the same ones again and again. Bounded by the number of events held (oldest entries leave first). An entry is
/// served only after a cheap check that storage still holds its execution (it may have been purged by any host).
/// </summary>
internal sealed class HistoryCache(int maxEvents)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> entriesPerInstance = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private Queue<string> order = new();
    private long events;

    /// <param name="FirstRowKey">The row of the execution's first event, whose ExecutionId column proves the execution is still stored.</param>
    internal sealed record Entry(string InstanceId, string ExecutionId, string FirstRowKey, IReadOnlyList<HistoryEvent> Events);

    public bool TryGet(string instanceId, string executionId, out Entry entry)
        => entries.TryGetValue(executionId, out entry!) && entry.InstanceId == instanceId;

    /// <summary>Whether any execution of the instance is cached: when none is, a reader need not ask which one is current.</summary>
    public bool HoldsAnyOf(string instanceId) => entriesPerInstance.ContainsKey(instanceId);

    public void Add(string instanceId, string executionId, string firstRowKey, List<HistoryEvent> history)
    {
        if (history.Count == 0 || history.Count > maxEvents || entries.ContainsKey(executionId))
        {
            return;
        }

        lock (gate)
        {
            if (entries.TryAdd(executionId, new Entry(instanceId, executionId, firstRowKey, new ReadOnlyCollection<HistoryEvent>(history))))
            {
                order.Enqueue(executionId);
                events += history.Count;
                entriesPerInstance.AddOrUpdate(instanceId, 1, (_, n) => n + 1);
            }

            while (events > maxEvents && order.TryDequeue(out string? oldest))
            {
                if (entries.TryRemove(oldest, out var removed))
                {
                    Forget(removed);
                }
            }

            if (order.Count > 2 * entries.Count + 64)
            {
                // Ids of evicted (purged) executions: drop them, or the queue would grow with every purge.
                order = new Queue<string>(order.Where(entries.ContainsKey));
            }
        }
    }

    /// <summary>Forgets an instance's executions (it was purged here).</summary>
    public void Evict(string instanceId)
    {
        lock (gate)
        {
            foreach (var (executionId, entry) in entries)
            {
                if (entry.InstanceId == instanceId && entries.TryRemove(executionId, out _))
                {
                    Forget(entry);
                }
            }
        }
    }

    /// <summary>Empties the cache (benchmarks measure cold reads with it).</summary>
    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            entriesPerInstance.Clear();
            order.Clear();
            events = 0;
        }
    }

    // Under gate.
    private void Forget(Entry removed)
    {
        events -= removed.Events.Count;
        if (entriesPerInstance.AddOrUpdate(removed.InstanceId, 0, (_, n) => n - 1) <= 0)
        {
            entriesPerInstance.TryRemove(removed.InstanceId, out _);
        }
    }
}
