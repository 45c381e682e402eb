using System.Text.Json.Serialization;

namespace Governance.Durable;

/// <summary>
/// One event in an orchestration instance's history: the source of truth from which the orchestrator is replayed
/// and the audit trail auditors read. <see cref="EventId"/> is the orchestrator's action id for events it caused
/// (task, timer, sub-orchestration), -1 otherwise. <see cref="Actor"/> names who caused it (an API key's name).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "eventType")]
[JsonDerivedType(typeof(ExecutionStartedEvent), nameof(ExecutionStartedEvent))]
[JsonDerivedType(typeof(OrchestratorStartedEvent), nameof(OrchestratorStartedEvent))]
[JsonDerivedType(typeof(OrchestratorCompletedEvent), nameof(OrchestratorCompletedEvent))]
[JsonDerivedType(typeof(TaskScheduledEvent), nameof(TaskScheduledEvent))]
[JsonDerivedType(typeof(TaskCompletedEvent), nameof(TaskCompletedEvent))]
[JsonDerivedType(typeof(TaskFailedEvent), nameof(TaskFailedEvent))]
[JsonDerivedType(typeof(TimerCreatedEvent), nameof(TimerCreatedEvent))]
[JsonDerivedType(typeof(TimerFiredEvent), nameof(TimerFiredEvent))]
[JsonDerivedType(typeof(EventRaisedEvent), nameof(EventRaisedEvent))]
[JsonDerivedType(typeof(EventSentEvent), nameof(EventSentEvent))]
[JsonDerivedType(typeof(SubOrchestrationInstanceCreatedEvent), nameof(SubOrchestrationInstanceCreatedEvent))]
[JsonDerivedType(typeof(SubOrchestrationInstanceCompletedEvent), nameof(SubOrchestrationInstanceCompletedEvent))]
[JsonDerivedType(typeof(SubOrchestrationInstanceFailedEvent), nameof(SubOrchestrationInstanceFailedEvent))]
[JsonDerivedType(typeof(ExecutionCompletedEvent), nameof(ExecutionCompletedEvent))]
[JsonDerivedType(typeof(ExecutionTerminatedEvent), nameof(ExecutionTerminatedEvent))]
[JsonDerivedType(typeof(ExecutionSuspendedEvent), nameof(ExecutionSuspendedEvent))]
[JsonDerivedType(typeof(ExecutionResumedEvent), nameof(ExecutionResumedEvent))]
[JsonDerivedType(typeof(ContinueAsNewEvent), nameof(ContinueAsNewEvent))]
[JsonDerivedType(typeof(MessagePoisonedEvent), nameof(MessagePoisonedEvent))]
[JsonDerivedType(typeof(SubmissionEvent), nameof(SubmissionEvent))]
public abstract record HistoryEvent
{
    public int EventId { get; init; } = -1;

    public DateTime Timestamp { get; init; }

    /// <summary>Who caused the event (API key name), when an outside caller did.</summary>
    public string? Actor { get; init; }

    /// <summary>Id of the message that delivered the event; used to drop duplicate deliveries.</summary>
    public string? MessageId { get; init; }

    [JsonIgnore]
    public string EventType => GetType().Name;
}

public sealed record ExecutionStartedEvent(
    string Name,
    string Version,
    string? Input,
    string ExecutionId,
    int Generation,
    ParentInstanceInfo? Parent = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    DateTime? ScheduledStartTime = null) : HistoryEvent;

/// <summary>Where a sub-orchestration reports its result.</summary>
public sealed record ParentInstanceInfo(string Name, string InstanceId, string ExecutionId, int TaskScheduledId);

/// <summary>Marks the start of one orchestration step; its timestamp is the step's CurrentUtcDateTime.</summary>
public sealed record OrchestratorStartedEvent : HistoryEvent;

public sealed record OrchestratorCompletedEvent : HistoryEvent;

public sealed record TaskScheduledEvent(string Name, string? Input) : HistoryEvent;

public sealed record TaskCompletedEvent(int TaskScheduledId, string? Result) : HistoryEvent;

public sealed record TaskFailedEvent(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

public sealed record TimerCreatedEvent(DateTime FireAt) : HistoryEvent;

public sealed record TimerFiredEvent(int TimerId, DateTime FireAt) : HistoryEvent;

public sealed record EventRaisedEvent(string Name, string? Input) : HistoryEvent;

public sealed record EventSentEvent(string InstanceId, string Name, string? Input) : HistoryEvent;

public sealed record SubOrchestrationInstanceCreatedEvent(string Name, string Version, string InstanceId, string? Input) : HistoryEvent;

public sealed record SubOrchestrationInstanceCompletedEvent(int TaskScheduledId, string? Result) : HistoryEvent;

public sealed record SubOrchestrationInstanceFailedEvent(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

/// <summary>The end of an execution: Completed, Failed, Terminated or ContinuedAsNew (then Result is the new input).</summary>
public sealed record ExecutionCompletedEvent(OrchestrationRuntimeStatus Status, string? Result, TaskFailureDetails? Failure = null) : HistoryEvent;

public sealed record ExecutionTerminatedEvent(string? Reason) : HistoryEvent
{
    /// <summary>The terminate output as JSON (the instance's output); null in events recorded before it existed, whose output is the reason.</summary>
    public string? Output { get; init; }

    /// <summary>Also terminate the sub-orchestrations the instance started and that have not finished (and theirs).</summary>
    public bool Recursive { get; init; }
}

public sealed record ExecutionSuspendedEvent(string? Reason) : HistoryEvent;

public sealed record ExecutionResumedEvent(string? Reason) : HistoryEvent;

/// <summary>Recorded at the end of an execution that continues as new: the next execution's id.</summary>
public sealed record ContinueAsNewEvent(string NextExecutionId, string? Input) : HistoryEvent;

/// <summary>A message to this instance failed processing repeatedly; it was moved to the poison table and the instance failed.</summary>
public sealed record MessagePoisonedEvent(string PoisonedMessageId, string Reason) : HistoryEvent
{
    /// <summary>When the poisoned message was the instance's start, the start itself (so the instance can be recorded as failed).</summary>
    public ExecutionStartedEvent? Start { get; init; }
}

/// <summary>
/// A submission to a running instance and the decision the instance took on it in the same step (accepted, rejected
/// with the rule, or not awaited). Only an accepted submission affects the orchestrator, on replay as when it came.
/// </summary>
public sealed record SubmissionEvent(string Name, string? Input, string SubmissionId, string? StepToken, string BodyHash) : HistoryEvent
{
    /// <summary>Null while in transit; set by the instance when it decides.</summary>
    public SubmissionDecision? Decision { get; init; }

    /// <summary>1 for the first sending of this submission id; a refused submission may be sent again under the same id.</summary>
    public int Attempt { get; init; } = 1;
}
