namespace Governance.Durable.Core;

/// <summary>Something an orchestrator asked for in a step; recorded in history and carried out after the step commits.</summary>
internal abstract record OrchestrationAction(int Id)
{
    /// <summary>The history event that records this action.</summary>
    public abstract HistoryEvent ToHistoryEvent(DateTime timestamp);

    /// <summary>A short description for non-determinism errors (the same words as for the recorded event).</summary>
    public string Describe() => HistoryEventDescriptions.Describe(ToHistoryEvent(default));
}

internal sealed record ScheduleTaskAction(int Id, string Name, string? Input) : OrchestrationAction(Id)
{
    public override HistoryEvent ToHistoryEvent(DateTime timestamp) => new TaskScheduledEvent(Name, Input) { EventId = Id, Timestamp = timestamp };
}

internal sealed record CreateTimerAction(int Id, DateTime FireAt) : OrchestrationAction(Id)
{
    public override HistoryEvent ToHistoryEvent(DateTime timestamp) => new TimerCreatedEvent(FireAt) { EventId = Id, Timestamp = timestamp };
}

internal sealed record CreateSubOrchestrationAction(int Id, string Name, string Version, string InstanceId, string? Input, IReadOnlyDictionary<string, string>? Tags = null) : OrchestrationAction(Id)
{
    public override HistoryEvent ToHistoryEvent(DateTime timestamp) =>
        new SubOrchestrationInstanceCreatedEvent(Name, Version, InstanceId, Input) { EventId = Id, Timestamp = timestamp };
}

internal sealed record SendEventAction(int Id, string InstanceId, string EventName, string? Input) : OrchestrationAction(Id)
{
    public override HistoryEvent ToHistoryEvent(DateTime timestamp) =>
        new EventSentEvent(InstanceId, EventName, Input) { EventId = Id, Timestamp = timestamp };
}

internal static class HistoryEventDescriptions
{
    public static string Describe(HistoryEvent e) => e switch
    {
        TaskScheduledEvent t => $"CallActivity '{t.Name}'",
        TimerCreatedEvent => "CreateTimer",
        SubOrchestrationInstanceCreatedEvent s => $"CallSubOrchestrator '{s.Name}'",
        EventSentEvent s => $"SendEvent '{s.Name}' to '{s.InstanceId}'",
        _ => e.EventType,
    };
}
