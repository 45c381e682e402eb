using System.Text.Json;

namespace Governance.Durable;

/// <summary>Runtime statuses as in Durable Task.</summary>
public enum OrchestrationRuntimeStatus
{
    Running = 0,
    Completed = 1,
    ContinuedAsNew = 2,
    Failed = 3,
    Canceled = 4,
    Terminated = 5,
    Pending = 6,
    Suspended = 7,
}

/// <summary>What a client sees of an orchestration instance (Microsoft.DurableTask shape, plus what it waits for).</summary>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastUpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? ScheduledStartAt { get; init; }
    public string Version { get; init; } = string.Empty;
    public string? ExecutionId { get; init; }
    public int Generation { get; init; }
    public string? ParentInstanceId { get; init; }
    public string? SerializedInput { get; init; }
    public string? SerializedOutput { get; init; }
    public string? SerializedCustomStatus { get; init; }
    public TaskFailureDetails? FailureDetails { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The external events the instance is waiting for right now.</summary>
    public IReadOnlyList<string> WaitingForEvents { get; init; } = [];

    /// <summary>When the instance's next durable timer is due, if it has one.</summary>
    public DateTimeOffset? NextTimerDueAt { get; init; }

    public int HistoryEventCount { get; init; }

    /// <summary>True while the status is <see cref="OrchestrationRuntimeStatus.Running"/> (a suspended instance is not running, as in Microsoft.DurableTask).</summary>
    public bool IsRunning => RuntimeStatus == OrchestrationRuntimeStatus.Running;

    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed
        or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled;

    public T? ReadInputAs<T>() => Read<T>(SerializedInput);

    public T? ReadOutputAs<T>() => Read<T>(SerializedOutput);

    public T? ReadCustomStatusAs<T>() => Read<T>(SerializedCustomStatus);

    private static T? Read<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, DurableJson.Options);
}
