using Governance.Durable.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>Runs one activity (in its own service scope) and turns its outcome into the result message for its orchestration.</summary>
internal sealed class ActivityRunner(DurableTaskRegistry registry, IServiceProvider services, TimeProvider clock, ILogger logger, WorkerDiagnostics diagnostics)
{
    public async Task<TaskMessage> ExecuteAsync(ActivityRequest request, int attempt)
    {
        HistoryEvent outcome;
        await using var scope = services.CreateAsyncScope();
        if (!registry.TryCreateActivity(request.Name, scope.ServiceProvider, out var activity))
        {
            outcome = new TaskFailedEvent(request.TaskId, new TaskFailureDetails("ActivityNotFound", $"Activity '{request.Name}' is not registered on this host."));
        }
        else
        {
            try
            {
                object? input = DurableJson.Deserialize(request.Input, activity!.InputType);
                var context = new RuntimeActivityContext(request.Name, request.InstanceId, request.TaskId, attempt, request.Version);
                diagnostics.ActivityStarted(request.InstanceId, request.Name);
                object? output = await activity.RunAsync(context, input);
                outcome = new TaskCompletedEvent(request.TaskId, DurableJson.Serialize(output));
                diagnostics.ActivityCompleted(request.InstanceId, request.Name);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Activity {Activity} of instance {InstanceId} failed.", request.Name, request.InstanceId);
                diagnostics.ActivityFailed(ex, request.InstanceId, request.Name);
                outcome = new TaskFailedEvent(request.TaskId, diagnostics.Describe(ex));
            }
        }

        return new TaskMessage(request.MessageId + "|result", request.InstanceId, outcome with { Timestamp = clock.GetUtcNow().UtcDateTime }, request.ExecutionId);
    }
}

/// <summary>What an activity sees of its invocation.</summary>
internal sealed class RuntimeActivityContext(string name, string instanceId, int taskId, int attempt, string version = "") : TaskActivityContext
{
    public override string Version => version;

    public override TaskName Name => name;

    public override string InstanceId => instanceId;

    public override int TaskId => taskId;

    public override int Attempt => attempt;
}
