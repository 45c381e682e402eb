using Governance.Durable.Core;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Runs an instance's orchestrator for a step of the planner: creates (and replays) its executor, applies the new
/// events, and turns what the orchestrator did into history events and outbox entries of the plan. In memory only.
/// </summary>
internal sealed class OrchestratorRunner(DurableTaskRegistry registry, IServiceProvider services, ILoggerFactory loggerFactory, string defaultVersion,
    WorkerDiagnostics? diagnostics = null, DurableTaskWorkerOptions.VersioningOptions? versioning = null)
{
    private readonly ILogger logger = loggerFactory.CreateLogger("Governance.Durable");

    /// <summary>Creates the orchestrator of the instance's recorded name and version and replays its history; fails the instance if it cannot.</summary>
    public OrchestrationExecutor? CreateExecutor(InstanceSnapshot instance, StepPlan plan, DateTime now, ExecutionStartedEvent? newStart = null)
    {
        var state = plan.State;
        var started = newStart ?? instance.History.OfType<ExecutionStartedEvent>().FirstOrDefault();
        if (started is null)
        {
            plan.Complete(OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("CorruptHistory", "The history has no ExecutionStarted event."), now);
            return null;
        }

        if (versioning?.Refuse(state.Version) is { } mismatch)
        {
            plan.Complete(OrchestrationRuntimeStatus.Failed, null, mismatch, now);
            return null;
        }

        if (!registry.TryCreateOrchestrator(state.Name, state.Version, services, out var orchestrator))
        {
            string message = $"Orchestrator '{state.Name}' version '{state.Version}' is not registered on this host.";
            logger.LogError("Instance {InstanceId}: {Message}", instance.InstanceId, message);
            plan.Complete(OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("OrchestratorNotFound", message), now);
            return null;
        }

        var executor = new OrchestrationExecutor(instance.InstanceId, orchestrator!, started, loggerFactory, diagnostics);
        if (newStart is null)
        {
            try
            {
                executor.Replay(instance.History);
            }
            catch (NonDeterministicOrchestrationException ex)
            {
                logger.LogError("Instance {InstanceId}: {Message}", instance.InstanceId, ex.Message);
                plan.Complete(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(ex), now);
                return null;
            }
        }

        return executor;
    }

    /// <summary>Applies <paramref name="inbound"/> (the first is the step's OrchestratorStarted) and records the outcome in the plan.</summary>
    public void Run(OrchestrationExecutor executor, StepPlan plan, List<HistoryEvent> inbound, DateTime now)
    {
        var state = plan.State;
        string instanceId = state.InstanceId;
        StepOutcome outcome;
        try
        {
            outcome = executor.Execute(inbound);
            for (int i = 0; i < plan.NewEvents.Count; i++)
            {
                if (plan.NewEvents[i] is SubmissionEvent arrived && outcome.DecidedSubmissions.TryGetValue(arrived, out var decided))
                {
                    plan.NewEvents[i] = decided;
                }
            }
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            logger.LogError("Instance {InstanceId}: {Message}", instanceId, ex.Message);
            plan.Complete(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(ex), now);
            return;
        }

        string exec = state.ExecutionId;
        foreach (var action in outcome.NewActions)
        {
            plan.NewEvents.Add(action.ToHistoryEvent(now));
            plan.AddOutbox(ToOutboxItem(action, state, now));
        }

        state.CustomStatus = DurableJson.Serialize(executor.Context.CustomStatus);
        state.WaitingForEvents = [.. executor.Context.WaitingForEvents];
        state.NextTimerDueAt = executor.Context.NextTimerDueAt;
        plan.Executor = executor;
        // The projection is rewritten every step so LastUpdatedAt and the history count stay true for callers.
        plan.ProjectionChanged = true;

        if (!outcome.IsCompleted)
        {
            plan.NewEvents.Add(new OrchestratorCompletedEvent { Timestamp = now });
        }
        else if (outcome.ContinuedAsNew)
        {
            string next = Guid.NewGuid().ToString("N");
            plan.NewEvents.Add(new ContinueAsNewEvent(next, outcome.ContinueAsNewInput) { Timestamp = now });
            plan.NewEvents.Add(new OrchestratorCompletedEvent { Timestamp = now });
            plan.NewEvents.Add(new ExecutionCompletedEvent(OrchestrationRuntimeStatus.ContinuedAsNew, outcome.ContinueAsNewInput) { Timestamp = now });
            state.Status = OrchestrationRuntimeStatus.ContinuedAsNew;
            state.NextExecutionId = next;
            state.HeldEvents = [.. outcome.CarryOverEvents];
            state.WaitingForEvents = [];
            state.NextTimerDueAt = null;
            plan.AddOutbox(new MessageOutboxItem(new TaskMessage(
                $"{instanceId}|{next}|start",
                instanceId,
                new ExecutionStartedEvent(state.Name, outcome.ContinueAsNewVersion ?? state.Version, outcome.ContinueAsNewInput, next, 0, state.Parent, outcome.ContinueAsNewTags ?? state.Tags) { Timestamp = now })));
            plan.Executor = null;
        }
        else
        {
            plan.Complete(outcome.Status, outcome.Output, outcome.Failure, now, orchestratorCompleted: true);
        }
    }

    private OutboxItem ToOutboxItem(OrchestrationAction action, InstanceState state, DateTime now)
    {
        string instanceId = state.InstanceId;
        string exec = state.ExecutionId;
        return action switch
        {
            ScheduleTaskAction t => new ActivityOutboxItem(new ActivityRequest(instanceId, exec, t.Id, t.Name, t.Input) { Version = state.Version }),
            CreateTimerAction t => new TimerOutboxItem(t.FireAt, new TaskMessage(
                $"{instanceId}|{exec}|timer|{t.Id}", instanceId, new TimerFiredEvent(t.Id, t.FireAt), exec)),
            CreateSubOrchestrationAction s => new MessageOutboxItem(new TaskMessage(
                $"{instanceId}|{exec}|sub|{s.Id}",
                s.InstanceId,
                new ExecutionStartedEvent(s.Name, string.IsNullOrEmpty(s.Version) ? defaultVersion : s.Version, s.Input,
                    Guid.NewGuid().ToString("N"), 0, new ParentInstanceInfo(state.Name, instanceId, exec, s.Id), s.Tags ?? (state.Tags.Count > 0 ? state.Tags : null))
                { Timestamp = now })),
            SendEventAction s => new MessageOutboxItem(new TaskMessage(
                $"{instanceId}|{exec}|event|{s.Id}", s.InstanceId, new EventRaisedEvent(s.EventName, s.Input) { Timestamp = now })),
            _ => throw new InvalidOperationException("Unknown action " + action.GetType().Name),
        };
    }
}
