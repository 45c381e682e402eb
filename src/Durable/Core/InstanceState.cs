namespace Governance.Durable.Core;

/// <summary>The authoritative state row of an instance, kept in its history partition and written with each step.</summary>
internal sealed class InstanceState
{
    public required string InstanceId { get; init; }
    public string Name { get; set; } = string.Empty;
    public string Version { get; set; } = string.Empty;
    public OrchestrationRuntimeStatus Status { get; set; } = OrchestrationRuntimeStatus.Pending;
    public string ExecutionId { get; set; } = string.Empty;
    public int Generation { get; set; }

    /// <summary>Committed history events of the current execution (rows beyond it are leftovers of a failed commit).</summary>
    public int HistoryCount { get; set; }

    /// <summary>Where the execution's last history row starts while it can take more events (null: the next commit starts a row).</summary>
    public int? HistoryTail { get; set; }

    /// <summary>Number of committed steps; outbox rows of later steps are leftovers of a failed commit.</summary>
    public long StepVersion { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime LastUpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? ScheduledStartAt { get; set; }
    public string? Input { get; set; }
    public string? Output { get; set; }
    public string? CustomStatus { get; set; }
    public TaskFailureDetails? Failure { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
    public ParentInstanceInfo? Parent { get; set; }
    public List<string> WaitingForEvents { get; set; } = [];
    public DateTime? NextTimerDueAt { get; set; }

    /// <summary>Events held while the instance is suspended or between ContinueAsNew generations.</summary>
    public List<HistoryEvent> HeldEvents { get; set; } = [];

    /// <summary>The execution id the next ContinueAsNew generation will have.</summary>
    public string? NextExecutionId { get; set; }

    /// <summary>Message ids of earlier generations, kept (bounded) to drop late duplicates across ContinueAsNew.</summary>
    public List<string> RecentMessageIds { get; set; } = [];

    /// <summary>A state row written only to keep messages that arrived before the instance's start message.</summary>
    public bool IsAwaitingStart => Generation == 0;

    public bool IsTerminal => Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed
        or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled;

    public InstanceState Clone()
    {
        var copy = (InstanceState)MemberwiseClone();
        copy.Tags = new Dictionary<string, string>(Tags);
        copy.WaitingForEvents = [.. WaitingForEvents];
        copy.HeldEvents = [.. HeldEvents];
        copy.RecentMessageIds = [.. RecentMessageIds];
        return copy;
    }

    public OrchestrationMetadata ToMetadata(bool includePayloads) => new(Name, InstanceId)
    {
        RuntimeStatus = Status,
        CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
        LastUpdatedAt = new DateTimeOffset(LastUpdatedAt, TimeSpan.Zero),
        CompletedAt = CompletedAt is { } c ? new DateTimeOffset(c, TimeSpan.Zero) : null,
        ScheduledStartAt = ScheduledStartAt is { } s ? new DateTimeOffset(s, TimeSpan.Zero) : null,
        Version = Version,
        ExecutionId = ExecutionId,
        Generation = Generation,
        ParentInstanceId = Parent?.InstanceId,
        SerializedInput = includePayloads ? Input : null,
        SerializedOutput = includePayloads ? Output : null,
        SerializedCustomStatus = CustomStatus,
        FailureDetails = Failure,
        Tags = Tags,
        WaitingForEvents = WaitingForEvents,
        NextTimerDueAt = NextTimerDueAt is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null,
        HistoryEventCount = HistoryCount,
    };
}
