using Azure;
using Governance.Durable.Core;

namespace Governance.Durable.Runtime;

/// <summary>
/// In-memory state of one instance on the host that owns its partition: the mailbox, the triggers held until the
/// instance is quiescent, and (between steps, like extended sessions) the loaded state, history and live executor.
/// </summary>
internal sealed class InstanceSession(string instanceId, int partition)
{
    public string InstanceId { get; } = instanceId;
    public int Partition { get; } = partition;
    public object Gate { get; } = new();

    // Guarded by Gate.
    public List<TaskMessage> Inbox { get; } = [];
    public List<Trigger> NewTriggers { get; } = [];
    public bool Running { get; set; }
    public bool Abandoned { get; set; }
    public int ActivitiesInFlight { get; set; }

    /// <summary>The recovery sweep asked for a reload and a re-dispatch of the outbox.</summary>
    public bool RedriveRequested { get; set; }

    // Owned by the session's processing loop.
    public List<Trigger> HeldTriggers { get; } = [];
    public bool Loaded { get; set; }

    /// <summary>
    /// Loaded from a start hint rather than from storage: the partition is taken to be empty, so its first commit
    /// inserts the state row and the audit head without reading them (an existing row makes it conflict and reload).
    /// </summary>
    public bool AssumedEmpty { get; set; }

    public InstanceState? State { get; set; }
    public ETag ETag { get; set; }
    public List<HistoryEvent> History { get; set; } = [];

    /// <summary>The last history row's events as stored, when the next commit may extend it; null until needed after a load.</summary>
    public Storage.HistoryTail? Tail { get; set; }
    public HashSet<string> SeenMessageIds { get; set; } = new(StringComparer.Ordinal);
    public OrchestrationExecutor? Executor { get; set; }

    /// <summary>
    /// False from a load from storage until the view (Instances row) is written: a host may have died between a
    /// step's commit and its view, so the first step after a load rewrites the view even when nothing changes.
    /// </summary>
    public bool ViewConfirmed { get; set; }

    /// <summary>Outbox rows loaded from storage that must be dispatched again (a previous owner may not have).</summary>
    public List<OutboxEntry> Undispatched { get; set; } = [];

    /// <summary>Outbox rows already dispatched, to delete with the next commit or when the instance goes quiet.</summary>
    public HashSet<string> DispatchedRows { get; } = new(StringComparer.Ordinal);

    /// <summary>Outbox row of each local activity (by task message id), deleted by the commit that records its result.</summary>
    public Dictionary<string, string> ActivityRows { get; } = new(StringComparer.Ordinal);

    public long LastUsedTicks { get; set; } = Environment.TickCount64;

    /// <summary>The loop writing the instance's query projection; it writes the newest state waiting, then stops.</summary>
    public Task Projection { get; set; } = Task.CompletedTask;

    // Guarded by Gate: the newest state to project (older waiting states are skipped) and whether the loop runs.
    public InstanceState? PendingProjection { get; set; }
    public bool ProjectionRunning { get; set; }

    /// <summary>What the step planner reads of this instance (references, not copies: the planner does not change them).</summary>
    public InstanceSnapshot Snapshot() => new(InstanceId, State, History, SeenMessageIds, Executor, ActivityRows);

    /// <summary>Removes and returns the outbox rows of local activities whose execution has ended (see <see cref="StepPlanner.RowsOfEndedActivities"/>).</summary>
    public List<string> TakeRowsOfEndedActivities()
    {
        var rows = new List<string>();
        foreach (string key in StepPlanner.RowsOfEndedActivities(InstanceId, State, ActivityRows))
        {
            rows.Add(ActivityRows[key]);
            ActivityRows.Remove(key);
        }

        return rows;
    }

    public void Unload()
    {
        Loaded = false;
        AssumedEmpty = false;
        State = null;
        Executor = null;
        History = [];
        Tail = null;
        SeenMessageIds = new(StringComparer.Ordinal);
        Undispatched = [];
        ActivityRows.Clear();
    }
}
