using Governance.Durable.Core;

namespace Governance.Durable.Runtime;

/// <summary>
/// The part of the step planner that starts an execution: the first, a ContinueAsNew generation, or a re-creation
/// of a finished instance, with the events held for it (terminated or suspended before it started), or the failure
/// of an instance whose start message itself was poison.
/// </summary>
internal sealed class ExecutionStartPlanner(OrchestratorRunner runner)
{
    private const int MaxRecentMessageIds = 500;

    /// <summary>The start message itself was poison: record the instance as failed, with the reason.</summary>
    public static StepPlan PlanPoisonedStart(InstanceSnapshot instance, MessagePoisonedEvent poisoned, DateTime now)
    {
        var start = poisoned.Start! with { Generation = 1 };
        var state = new InstanceState
        {
            InstanceId = instance.InstanceId,
            Name = start.Name,
            Version = start.Version,
            ExecutionId = start.ExecutionId,
            Generation = 1,
            CreatedAt = start.Timestamp,
            Input = start.Input,
            Tags = start.Tags is null ? new() : new Dictionary<string, string>(start.Tags),
            Parent = start.Parent,
        };
        var plan = new StepPlan { State = state, FirstSequence = 0, StartsNewGeneration = true };
        plan.NewEvents.Add(new OrchestratorStartedEvent { Timestamp = now });
        plan.NewEvents.Add(start);
        plan.NewEvents.Add(poisoned with { Start = null });
        plan.Complete(OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("PoisonMessage", poisoned.Reason), now);
        return plan.Finish(now);
    }

    /// <summary>Starts an execution (the first, a ContinueAsNew generation, or a re-creation) with the events that came with it and those held for it.</summary>
    public StepPlan PlanNewExecution(InstanceSnapshot instance, ExecutionStartedEvent start, List<HistoryEvent> others, DateTime now)
    {
        var previous = instance.State;
        int generation = (previous?.Generation ?? 0) + 1;
        var state = new InstanceState
        {
            InstanceId = instance.InstanceId,
            Name = start.Name,
            Version = start.Version,
            Status = OrchestrationRuntimeStatus.Running,
            ExecutionId = start.ExecutionId,
            Generation = generation,
            HistoryCount = 0,
            StepVersion = previous?.StepVersion ?? 0,
            CreatedAt = previous?.Status == OrchestrationRuntimeStatus.ContinuedAsNew ? previous.CreatedAt : start.Timestamp,
            ScheduledStartAt = start.ScheduledStartTime,
            Input = start.Input,
            Tags = start.Tags is null ? previous?.Tags ?? new() : new Dictionary<string, string>(start.Tags),
            Parent = start.Parent,
            RecentMessageIds = previous is null ? [] : previous.RecentMessageIds.Concat(instance.History.Select(e => e.MessageId).OfType<string>()).TakeLast(MaxRecentMessageIds).ToList(),
        };
        var inbound = new List<HistoryEvent> { start with { Generation = generation } };
        var held = previous is { Status: OrchestrationRuntimeStatus.ContinuedAsNew } or { IsAwaitingStart: true } ? previous.HeldEvents : [];
        inbound.AddRange(held.Where(e => e is not ExecutionSuspendedEvent));
        inbound.AddRange(others.Where(e => e is EventRaisedEvent));
        var plan = new StepPlan { State = state, FirstSequence = 0, StartsNewGeneration = true };
        plan.NewEvents.Add(new OrchestratorStartedEvent { Timestamp = now });
        if (held.OfType<ExecutionTerminatedEvent>().FirstOrDefault() is { } terminated)
        {
            // Terminated before it started.
            plan.NewEvents.Add(inbound[0]);
            plan.NewEvents.Add(terminated);
            plan.Complete(OrchestrationRuntimeStatus.Terminated, terminated.Output ?? DurableJson.Serialize(terminated.Reason), null, now);
            return plan.Finish(now);
        }

        if (held.OfType<ExecutionSuspendedEvent>().FirstOrDefault() is { } suspended)
        {
            // Suspended between generations: record the start, run nothing until resumed (events wait with it).
            plan.NewEvents.Add(inbound[0]);
            plan.NewEvents.Add(suspended);
            state.Status = OrchestrationRuntimeStatus.Suspended;
            state.HeldEvents = inbound.Skip(1).ToList();
            return plan.Finish(now);
        }

        var executor = runner.CreateExecutor(instance, plan, now, start);
        if (executor is not null)
        {
            plan.NewEvents.AddRange(inbound);
            runner.Run(executor, plan, [plan.NewEvents[0], .. inbound], now);
        }
        else
        {
            plan.NewEvents.InsertRange(1, inbound);
        }

        return plan.Finish(now);
    }
}
