using Azure;

namespace Governance.Durable;

/// <summary>
/// Starts, signals, inspects and manages orchestration instances (Microsoft.DurableTask's client shape).
/// <see cref="WithActor"/> gives a client whose changes are recorded in history as made by that caller.
/// </summary>
public abstract class DurableTaskClient : IAsyncDisposable
{
    protected DurableTaskClient(string name) => Name = name;

    /// <summary>The task hub this client talks to.</summary>
    public string Name { get; }

    /// <summary>Who makes the calls of this client (recorded in the history events they cause).</summary>
    public virtual string? Actor => null;

    /// <summary>A client that records <paramref name="actor"/> as the caller of every change it makes.</summary>
    public abstract DurableTaskClient WithActor(string? actor);

    // The overloads below take only what they name, so an options object or a token is never sent as the input
    // or the event payload (the same set as Microsoft.DurableTask's client).
    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, CancellationToken cancellation)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, null, cancellation);

    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input, CancellationToken cancellation)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, null, cancellation);

    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, StartOrchestrationOptions options, CancellationToken cancellation = default)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, options, cancellation);

    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default);

    public virtual Task RaiseEventAsync(string instanceId, string eventName, CancellationToken cancellation)
        => RaiseEventAsync(instanceId, eventName, null, cancellation);

    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

    /// <summary>
    /// Submits a person's step to a running instance and waits (up to <see cref="SubmitOptions.WaitFor"/>) for the
    /// instance to decide it: accepted, rejected with the rule, not awaited now (never buffered), wrong occurrence, or
    /// an idempotency conflict. The same <see cref="SubmitOptions.SubmissionId"/> with the same event and payload
    /// gives the same outcome and is recorded once. Throws <see cref="OrchestrationNotFoundException"/> for an unknown instance.
    /// </summary>
    public abstract Task<SubmissionOutcome> SubmitAsync(
        string instanceId, string eventName, object? payload, SubmitOptions? options = null, CancellationToken cancellation = default);

    /// <summary>The outcome of an earlier submission, or null when the instance has no submission of that id.</summary>
    public abstract Task<SubmissionOutcome?> GetSubmissionAsync(string instanceId, string submissionId, CancellationToken cancellation = default);

    public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation)
        => GetInstanceAsync(instanceId, false, cancellation);

    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    public abstract AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null);

    /// <summary>How many instances match the filter, per runtime status.</summary>
    public abstract Task<IReadOnlyDictionary<OrchestrationRuntimeStatus, int>> CountInstancesAsync(OrchestrationQuery? filter = null, CancellationToken cancellation = default);

    /// <summary>
    /// The history of an instance: its current execution, or the execution named by <paramref name="executionId"/>
    /// (earlier executions survive ContinueAsNew).
    /// </summary>
    public abstract Task<IReadOnlyList<HistoryEvent>> GetInstanceHistoryAsync(string instanceId, string? executionId = null, CancellationToken cancellation = default);

    /// <summary>The ids of every execution of an instance, oldest first.</summary>
    public abstract Task<IReadOnlyList<string>> GetExecutionIdsAsync(string instanceId, CancellationToken cancellation = default);

    public virtual Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, CancellationToken cancellation)
        => WaitForInstanceStartAsync(instanceId, false, cancellation);

    public abstract Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    public virtual Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, CancellationToken cancellation)
        => WaitForInstanceCompletionAsync(instanceId, false, cancellation);

    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    public virtual Task TerminateInstanceAsync(string instanceId, CancellationToken cancellation)
        => TerminateInstanceAsync(instanceId, (TerminateInstanceOptions?)null, cancellation);

    public virtual Task TerminateInstanceAsync(string instanceId, object? output, CancellationToken cancellation = default)
        => TerminateInstanceAsync(instanceId, output is null ? null : new TerminateInstanceOptions(output), cancellation);

    public abstract Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default);

    public virtual Task SuspendInstanceAsync(string instanceId, CancellationToken cancellation)
        => SuspendInstanceAsync(instanceId, null, cancellation);

    public abstract Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default);

    public virtual Task ResumeInstanceAsync(string instanceId, CancellationToken cancellation)
        => ResumeInstanceAsync(instanceId, null, cancellation);

    public abstract Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default);

    /// <summary>Deletes a finished instance with its history and payloads.</summary>
    public virtual Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation)
        => PurgeInstanceAsync(instanceId, null, cancellation);

    public abstract Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default);

    public virtual Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation)
        => PurgeAllInstancesAsync(filter, null, cancellation);

    public abstract Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
