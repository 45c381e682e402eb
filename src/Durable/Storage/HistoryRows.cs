using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Governance.Durable.Core;

namespace Governance.Durable.Storage;

/// <summary>
/// The committed events of an execution's last history row while that row can still take more: the next commit
/// rewrites the row with its own events appended (in the transaction that moves the state row), so a long history
/// is a few dozen rows to read rather than one per event. Kept as JSON so a step does not serialize them again.
/// </summary>
internal sealed record HistoryTail(int Start, IReadOnlyList<string> Events)
{
    public int Chars { get; } = Events.Sum(e => e.Length + 1);

    /// <summary>The tail of a loaded execution, from the state's record of where its last row starts.</summary>
    public static HistoryTail? Of(InstanceState? state, IReadOnlyList<HistoryEvent> history)
        => state?.HistoryTail is int start && start >= 0 && start < history.Count && history.Count == state.HistoryCount
            ? new HistoryTail(start, history.Skip(start).Select(HistoryRows.Serialize).ToList())
            : null;
}

/// <summary>One history row a commit writes: the events from <see cref="Sequence"/> on, shared (a JSON array) or alone.</summary>
internal sealed record HistoryRowWrite(int Sequence, IReadOnlyList<string> Events, bool Shared);

/// <summary>
/// How events are laid out in an instance's history rows (keys "2|{inverted generation}|{first sequence}"). A shared
/// row holds a run of consecutive events in "Events" with their number in "Count"; an event too large to share a row
/// has one of its own in "Data" (inline, or a blob reference), as every event had before rows were shared. Readers
/// accept both, so histories written by earlier versions read unchanged.
/// </summary>
internal static class HistoryRows
{
    /// <summary>Bounds what a commit rewrites: a shared row is rewritten by each step until it holds this much.</summary>
    internal const int MaxRowChars = 16_000;

    internal const int MaxEventsPerRow = 100;

    public static string Serialize(HistoryEvent e) => JsonSerializer.Serialize(e, DurableJson.Options);

    /// <summary>
    /// Lays out a commit's new events after the current tail. The tail row is rewritten only when new events join
    /// it; <paramref name="newTail"/> is the last row when it can take more events (null after an event of its own).
    /// </summary>
    public static List<HistoryRowWrite> Lay(HistoryTail? tail, int firstSequence, IReadOnlyList<string> newEvents, out HistoryTail? newTail)
    {
        var rows = new List<HistoryRowWrite>();
        newTail = tail is not null && tail.Start + tail.Events.Count == firstSequence ? tail : null;
        if (newEvents.Count == 0)
        {
            return rows;
        }

        int start = newTail?.Start ?? firstSequence;
        var current = newTail is null ? new List<string>() : new List<string>(newTail.Events);
        int chars = newTail?.Chars ?? 0;
        bool changed = false;
        for (int i = 0; i < newEvents.Count; i++)
        {
            string json = newEvents[i];
            int sequence = firstSequence + i;
            if (json.Length > MaxRowChars)
            {
                Close();
                rows.Add(new HistoryRowWrite(sequence, [json], Shared: false));
                start = sequence + 1;
                continue;
            }

            if (current.Count == MaxEventsPerRow || chars + json.Length + 1 > MaxRowChars)
            {
                Close();
                start = sequence;
            }

            current.Add(json);
            chars += json.Length + 1;
            changed = true;
        }

        if (changed)
        {
            rows.Add(new HistoryRowWrite(start, current, Shared: true));
        }

        newTail = current.Count > 0 ? new HistoryTail(start, current) : null;
        return rows;

        void Close()
        {
            if (changed)
            {
                rows.Add(new HistoryRowWrite(start, current, Shared: true));
            }

            current = [];
            chars = 0;
            changed = false;
        }
    }

    public static string Join(IReadOnlyList<string> events)
    {
        var text = new StringBuilder(events.Sum(e => e.Length + 1) + 1).Append('[');
        for (int i = 0; i < events.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(events[i]);
        }

        return text.Append(']').ToString();
    }

    /// <summary>The sequence of a row's first event, from its key.</summary>
    public static int SequenceOf(string rowKey) => int.Parse(rowKey.AsSpan(rowKey.LastIndexOf('|') + 1), NumberStyles.None, CultureInfo.InvariantCulture);

    public static int CountOf(TableEntity row) => row.GetInt32("Count") ?? 1;

    public static bool IsShared(TableEntity row) => row.ContainsKey("Events");

    public static List<HistoryEvent> ReadShared(TableEntity row)
        => JsonSerializer.Deserialize<List<HistoryEvent>>(row.GetString("Events"), DurableJson.Options)!;
}

/// <summary>
/// Walks an execution's rows in key order and keeps the committed chain: rows start where the previous one ended, up
/// to the state's event count. Anything else is a leftover of a failed commit (a row beyond the count, or one that a
/// later commit's longer row covers) and is reported as stale.
/// </summary>
internal sealed class HistoryChain(int limit, Func<string, Task<string?>> resolve)
{
    public List<HistoryEvent> Events { get; } = [];

    public List<string> StaleRowKeys { get; } = [];

    public int Next => Events.Count;

    public bool Complete => Events.Count >= limit;

    public async ValueTask AddAsync(TableEntity row)
    {
        int sequence = HistoryRows.SequenceOf(row.RowKey);
        if (sequence != Events.Count || Complete)
        {
            StaleRowKeys.Add(row.RowKey);
            return;
        }

        if (HistoryRows.IsShared(row))
        {
            var events = HistoryRows.ReadShared(row);
            // A tail row extended by a commit that then failed holds more than was committed.
            Events.AddRange(events.Count <= limit - sequence ? events : events.GetRange(0, limit - sequence));
            return;
        }

        string data = row.GetString("Data");
        string json = data.StartsWith(TaskHubStore.BlobReferencePrefix, StringComparison.Ordinal) ? (await resolve(data))! : data;
        Events.Add(JsonSerializer.Deserialize<HistoryEvent>(json, DurableJson.Options)!);
    }
}
