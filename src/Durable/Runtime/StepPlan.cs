using Governance.Durable.Core;
using Governance.Durable.Storage;
using Governance.Durable.Submissions;

namespace Governance.Durable.Runtime;

/// <summary>
/// What the planner reads of an instance: its committed state and history as this host has them cached, the
/// message ids already recorded, the live executor (extended session) and the outbox rows of local activities.
/// </summary>
internal sealed record InstanceSnapshot(
    string InstanceId,
    InstanceState? State,
    IReadOnlyList<HistoryEvent> History,
    IReadOnlySet<string> SeenMessageIds,
    OrchestrationExecutor? Executor,
    IReadOnlyDictionary<string, string> ActivityRows)
{
    /// <summary>An instance storage has never heard of.</summary>
    public static InstanceSnapshot Empty(string instanceId) => new(instanceId, null, [], new HashSet<string>(), null, new Dictionary<string, string>());
}

/// <summary>The planner's answer for one batch of messages.</summary>
internal sealed class StepDecision
{
    /// <summary>The step to commit, or null when the batch records nothing (duplicates, messages to drop).</summary>
    public StepPlan? Plan { get; init; }

    /// <summary>Messages handled by a later step: they go back to the front of the mailbox, in this order.</summary>
    public List<TaskMessage> Deferred { get; } = [];

    /// <summary>Outbox rows whose work is over although nothing is committed now: deleted with the next commit or at quiescence.</summary>
    public List<string> FinishedRows { get; } = [];

    /// <summary>Messages dropped because the instance has ended (logged by the planner).</summary>
    public int Dropped { get; init; }
}

/// <summary>
/// One step to commit atomically: the new state row, the history events appended (or, for a new generation,
/// replacing the history), the outbox entries to dispatch after the commit, rows to delete and submission outcomes.
/// </summary>
internal sealed class StepPlan
{
    public required InstanceState State { get; init; }

    /// <summary>Sequence number of the first new history event.</summary>
    public int FirstSequence { get; init; }

    public List<HistoryEvent> NewEvents { get; } = [];

    public List<OutboxEntry> NewOutbox { get; } = [];

    public List<string> DeleteRows { get; } = [];

    /// <summary>The executor to keep in memory after the commit (null: replay from history next time).</summary>
    public OrchestrationExecutor? Executor { get; set; }

    public bool StartsNewGeneration { get; init; }

    /// <summary>Whether the query projection needs writing.</summary>
    public bool ProjectionChanged { get; set; } = true;

    public List<SubmissionRecord> Submissions { get; } = [];

    /// <summary>
    /// Outbox rows one step writes at most. A step with more (a large fan-out) keeps half of them as rows of their own
    /// and shares the rest of its items out over bundle rows, so the whole step commits in the state row's transaction:
    /// nothing is written ahead of the commit point, where a host that has lost the instance could overwrite the new
    /// owner's rows or leave rows that look committed.
    /// </summary>
    internal const int MaxOutboxRows = MaxRowsPerTransaction - StepPlanner.MaxSubmissionsPerStep - (Audit.AuditRecordBuilder.MaxRecordsPerStep + 1)
        - HistoryRowReserve;

    /// <summary>An entity-group transaction's 100 operations, less the state row.</summary>
    private const int MaxRowsPerTransaction = 99;

    /// <summary>History rows a step usually writes (its last row, a new one, a few events too large to share).</summary>
    private const int HistoryRowReserve = 8;

    /// <summary>The items of the outbox entries, bundles opened, in order.</summary>
    public IEnumerable<OutboxItem> OutboxItems => NewOutbox.SelectMany(o => o.Item is BundleOutboxItem bundle ? bundle.Items : [o.Item]);

    /// <summary>Messages the outbox entries of this plan send (for tests and diagnostics).</summary>
    public IEnumerable<TaskMessage> OutboxMessages => OutboxItems.OfType<MessageOutboxItem>().Select(m => m.Message);

    public void AddOutbox(OutboxItem item)
        => NewOutbox.Add(new OutboxEntry($"{TaskHubStore.OutboxPrefix}{State.StepVersion + 1:D10}|{NewOutbox.Count:D4}", State.StepVersion + 1, item));

    /// <summary>Ends the execution: records the outcome and tells a parent orchestration.</summary>
    public void Complete(OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure, DateTime now, bool orchestratorCompleted = false)
    {
        if (orchestratorCompleted)
        {
            NewEvents.Add(new OrchestratorCompletedEvent { Timestamp = now });
        }

        NewEvents.Add(new ExecutionCompletedEvent(status, output, failure) { Timestamp = now });
        State.Status = status;
        State.Output = output;
        State.Failure = failure;
        State.CompletedAt = now;
        State.WaitingForEvents = [];
        State.NextTimerDueAt = null;
        State.HeldEvents = [];
        Executor = null;
        ProjectionChanged = true;
        if (State.Parent is { } parent)
        {
            HistoryEvent report = status == OrchestrationRuntimeStatus.Completed
                ? new SubOrchestrationInstanceCompletedEvent(parent.TaskScheduledId, output) { Timestamp = now }
                : new SubOrchestrationInstanceFailedEvent(parent.TaskScheduledId, failure ?? new TaskFailureDetails(status.ToString(), $"Sub-orchestration '{State.InstanceId}' ended {status}: {output}")) { Timestamp = now };
            AddOutbox(new MessageOutboxItem(new TaskMessage($"{State.InstanceId}|{State.ExecutionId}|done", parent.InstanceId, report, parent.ExecutionId)));
        }
    }

    /// <summary>Gives every submission of the step its decision and outcome row, and stamps the state.</summary>
    public StepPlan Finish(DateTime now)
    {
        // Every submission in the step gets a decision and an outcome row (e.g. one that came with a terminate).
        for (int i = 0; i < NewEvents.Count; i++)
        {
            if (NewEvents[i] is SubmissionEvent submission)
            {
                if (submission.Decision is null)
                {
                    NewEvents[i] = submission = submission with { Decision = NotAwaited(State.Status) };
                }

                Submissions.Add(SubmissionRecord.Decided(submission, now));
            }
        }

        BundleOutboxOverflow();
        State.LastUpdatedAt = now;
        State.HistoryCount = FirstSequence + NewEvents.Count;
        State.StepVersion++;
        return this;
    }

    private void BundleOutboxOverflow()
    {
        if (NewOutbox.Count <= MaxOutboxRows)
        {
            return;
        }

        const int ownRows = MaxOutboxRows / 2;
        var shared = NewOutbox.Skip(ownRows).Select(o => o.Item).ToList();
        NewOutbox.RemoveRange(ownRows, NewOutbox.Count - ownRows);
        int perBundle = (shared.Count + (MaxOutboxRows - ownRows) - 1) / (MaxOutboxRows - ownRows);
        foreach (var items in shared.Chunk(perBundle))
        {
            AddOutbox(new BundleOutboxItem([.. items]));
        }
    }

    public static SubmissionDecision NotAwaited(OrchestrationRuntimeStatus status) => new(SubmissionStatus.NotAwaited,
        MessageEn: $"The instance is {status} and takes no submissions now.",
        MessageZh: $"流程当前状态为{status}，现在不受理提交。");
}
