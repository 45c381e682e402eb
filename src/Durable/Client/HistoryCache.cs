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
    private readonly ConcurrentQueue<string> order = new();
    private long events;

    /// <param name="FirstRowKey">The row of the execution's first event, whose ExecutionId column proves the execution is still stored.</param>
    internal sealed record Entry(string InstanceId, string ExecutionId, string FirstRowKey, IReadOnlyList<HistoryEvent> Events);

    public bool TryGet(string instanceId, string executionId, out Entry entry)
        => entries.TryGetValue(executionId, out entry!) && entry.InstanceId == instanceId;

    public void Add(string instanceId, string executionId, string firstRowKey, List<HistoryEvent> history)
    {
        if (history.Count == 0 || history.Count > maxEvents || entries.ContainsKey(executionId))
        {
            return;
        }

        if (entries.TryAdd(executionId, new Entry(instanceId, executionId, firstRowKey, new ReadOnlyCollection<HistoryEvent>(history))))
        {
            order.Enqueue(executionId);
            Interlocked.Add(ref events, history.Count);
        }

        while (Interlocked.Read(ref events) > maxEvents && order.TryDequeue(out string? oldest))
        {
            if (entries.TryRemove(oldest, out var removed))
            {
                Interlocked.Add(ref events, -removed.Events.Count);
            }
        }
    }

    /// <summary>Forgets an instance's executions (it was purged here).</summary>
    public void Evict(string instanceId)
    {
        foreach (var (executionId, entry) in entries)
        {
            if (entry.InstanceId == instanceId && entries.TryRemove(executionId, out _))
            {
                Interlocked.Add(ref events, -entry.Events.Count);
            }
        }
    }

    /// <summary>Empties the cache (benchmarks measure cold reads with it).</summary>
    public void Clear()
    {
        entries.Clear();
        order.Clear();
        Interlocked.Exchange(ref events, 0);
    }
}
