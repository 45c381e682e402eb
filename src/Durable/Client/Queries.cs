namespace Governance.Durable;

/// <summary>Options for starting an instance.</summary>
public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
{
    /// <summary>Business keys for search (street, community, year...), kept on the instance and indexed.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The orchestrator version to start; the configured default version when null.</summary>
    public string? Version { get; init; }
}

/// <summary>Filter for instance queries. Every filter given must match; results are paged.</summary>
public record OrchestrationQuery(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null,
    int PageSize = 100,
    bool FetchInputsAndOutputs = false,
    string? ContinuationToken = null,
    string? InstanceIdPrefix = null)
{
    /// <summary>Orchestrator name (exact).</summary>
    public string? Name { get; init; }

    /// <summary>Tags that must all be present with these values.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Prefix of the serialized custom status.</summary>
    public string? CustomStatusPrefix { get; init; }
}

/// <param name="Output">The reason recorded as the terminated instance's output.</param>
/// <param name="Recursive">Also terminate the sub-orchestrations the instance started that are still running.</param>
public record TerminateInstanceOptions(object? Output = null, bool Recursive = false);

public record PurgeInstanceOptions(bool Recursive = false);

public record PurgeInstancesFilter(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null);

public sealed record PurgeResult(int PurgedInstanceCount);

/// <summary>Thrown when starting an instance whose id is taken by an instance that has not finished.</summary>
public sealed class OrchestrationAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
    : InvalidOperationException($"An orchestration instance with id '{instanceId}' already exists and is {status}.")
{
    public string InstanceId { get; } = instanceId;
    public OrchestrationRuntimeStatus Status { get; } = status;
}

/// <summary>Thrown when a client operation names an instance that does not exist.</summary>
public sealed class OrchestrationNotFoundException(string instanceId)
    : InvalidOperationException($"No orchestration instance with id '{instanceId}' exists.")
{
    public string InstanceId { get; } = instanceId;
}

/// <summary>
/// Thrown when raising an event to, or terminating, suspending or resuming, an instance that has finished
/// (Durable Functions' HTTP API answers 410 Gone).
/// </summary>
public sealed class OrchestrationFinishedException(string instanceId, OrchestrationRuntimeStatus status)
    : InvalidOperationException($"Orchestration instance '{instanceId}' has finished ({status}) and accepts no more events or changes.")
{
    public string InstanceId { get; } = instanceId;
    public OrchestrationRuntimeStatus Status { get; } = status;
}
