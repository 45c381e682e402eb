// Temporary stubs so the public API compiles while the runtime is written.
using Azure;
using Microsoft.Extensions.Hosting;

namespace Governance.Durable;

public sealed class DurableTaskHub
{
}

internal sealed class DurableTaskWorker : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}

internal sealed class AzureStorageDurableTaskClient(DurableTaskHub hub) : DurableTaskClient("stub")
{
    public override DurableTaskClient WithActor(string? actor) => throw new NotImplementedException();
    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotImplementedException();
    public override Task<IReadOnlyDictionary<OrchestrationRuntimeStatus, int>> CountInstancesAsync(OrchestrationQuery? filter = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<IReadOnlyList<HistoryEvent>> GetInstanceHistoryAsync(string instanceId, string? executionId = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<IReadOnlyList<string>> GetExecutionIdsAsync(string instanceId, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotImplementedException();
    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotImplementedException();
}
