using System.Text.Json.Serialization;

namespace Governance.Durable.Core;

/// <summary>
/// A message to an orchestration instance: one history event to add (start, result, timer, external event,
/// terminate...). <see cref="Id"/> is unique and deterministic where the sender is an orchestration, so a
/// redelivered message is recognised and dropped. A message naming an execution is dropped by other executions.
/// </summary>
internal sealed record TaskMessage(string Id, string InstanceId, HistoryEvent Event, string? TargetExecutionId = null)
{
    /// <summary>
    /// Set on a start whose sender just created the instance (its history partition is known to be empty): the
    /// owner, on another host than the sender, skips reading it. Absent in older messages.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NewInstance { get; init; }
}

/// <summary>A request to run an activity, as queued on the work-item queue.</summary>
internal sealed record ActivityRequest(string InstanceId, string ExecutionId, int TaskId, string Name, string? Input)
{
    public string MessageId => $"{InstanceId}|{ExecutionId}|task|{TaskId}";

    /// <summary>The calling orchestration's version (the activity's <see cref="TaskActivityContext.Version"/>); empty in older requests.</summary>
    public string Version { get; init; } = string.Empty;
}

/// <summary>What a committed step must still do; stored in the instance's partition until done (transactional outbox).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ActivityOutboxItem), "activity")]
[JsonDerivedType(typeof(TimerOutboxItem), "timer")]
[JsonDerivedType(typeof(MessageOutboxItem), "message")]
[JsonDerivedType(typeof(BundleOutboxItem), "bundle")]
internal abstract record OutboxItem;

internal sealed record ActivityOutboxItem(ActivityRequest Request) : OutboxItem;

internal sealed record TimerOutboxItem(DateTime FireAt, TaskMessage Message) : OutboxItem;

internal sealed record MessageOutboxItem(TaskMessage Message) : OutboxItem;

/// <summary>
/// Several items of a large step's outbox in one row, so that the step commits in one transaction (see
/// <see cref="Runtime.StepPlan.MaxOutboxRows"/>); its items are dispatched through the queues.
/// </summary>
internal sealed record BundleOutboxItem(List<OutboxItem> Items) : OutboxItem;

/// <summary>An outbox row: its row key and content.</summary>
internal sealed record OutboxEntry(string RowKey, long StepVersion, OutboxItem Item);
