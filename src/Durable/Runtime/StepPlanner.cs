using Governance.Durable.Core;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Decides what one batch of messages does to an instance: which are new, which wait for a later step, which are
/// dropped, and what the step commits (history, state, outbox, submission outcomes). No storage: it reads the
/// instance's cached state and history and runs the orchestrator in memory; the caller commits and dispatches.
/// </summary>
internal sealed class StepPlanner(OrchestratorRunner runner, ILogger logger)
{
    private readonly ExecutionStartPlanner starts = new(runner);

    /// <summary>Submissions one step decides at most (their outcome rows share the commit's transaction); the rest wait for the next step.</summary>
    internal const int MaxSubmissionsPerStep = 20;

    public StepDecision Plan(InstanceSnapshot instance, IReadOnlyList<TaskMessage> batch, DateTime now)
    {
        var current = instance.State;

        // Bounded submissions per step: the others go back to the front of the mailbox for the next step.
        var overLimit = batch.Where(m => m.Event is SubmissionEvent).Skip(MaxSubmissionsPerStep).ToHashSet(ReferenceEqualityComparer.Instance);
        var messages = batch.Where(m => !overLimit.Contains(m)).ToList();
        var deferred = batch.Where(overLimit.Contains).ToList();

        var fresh = messages
            .Where(m => !instance.SeenMessageIds.Contains(m.Id))
            // A message redelivered too often after it was recorded (its deletion failed) is a duplicate, not poison.
            .Where(m => m.Event is not MessagePoisonedEvent p || !instance.SeenMessageIds.Contains(p.PoisonedMessageId))
            // A message for one execution never reaches another, nor an instance that has none (e.g. an activity of a
            // purged instance finishing late must not be kept for a later instance of the same id).
            .Where(m => m.TargetExecutionId is null || m.TargetExecutionId == current?.ExecutionId)
            .GroupBy(m => m.Id).Select(g => g.First())
            .Select(m => m.Event with { MessageId = m.Id, Timestamp = m.Event.Timestamp == default ? now : m.Event.Timestamp })
            .ToList();
        if (fresh.Count == 0)
        {
            return Decided(null, deferred);
        }

        // A start message begins a new execution when there is none, the last one ended (a start ContinueAsNew
        // announced before a termination is not one), or ContinueAsNew named it.
        var start = fresh.OfType<ExecutionStartedEvent>().FirstOrDefault(s =>
            current is null
            || current.IsAwaitingStart
            || (current.IsTerminal && s.ExecutionId != current.ExecutionId && s.ExecutionId != current.NextExecutionId)
            || (current.Status == OrchestrationRuntimeStatus.ContinuedAsNew && s.ExecutionId == current.NextExecutionId));
        if (start is not null && current?.Status == OrchestrationRuntimeStatus.ContinuedAsNew && fresh.Any(IsLifecycleEvent))
        {
            // Terminate, suspend and resume act on the instance between generations first; the start waits one step.
            // (Starting first let an orchestration that continues as new at once push them behind every generation.)
            deferred.InsertRange(0, messages.Where(m => m.Event is ExecutionStartedEvent));
            fresh.RemoveAll(e => e is ExecutionStartedEvent);
        }
        else if (start is not null)
        {
            // Start the execution in this step with the events that came with it; other messages (results of the
            // previous execution, lifecycle changes) are handled by the next step.
            deferred.InsertRange(0, messages.Where(m => m.Event is not ExecutionStartedEvent and not EventRaisedEvent && !instance.SeenMessageIds.Contains(m.Id)));
            return Decided(starts.PlanNewExecution(instance, start, fresh.Where(e => e is EventRaisedEvent).ToList(), now), deferred);
        }

        if ((current is null || current.IsAwaitingStart) && fresh.OfType<MessagePoisonedEvent>().FirstOrDefault(p => p.Start is not null) is { } poisonedStart)
        {
            return Decided(ExecutionStartPlanner.PlanPoisonedStart(instance, poisonedStart, now), deferred);
        }

        if (current is not null && current.IsTerminal && fresh.OfType<SubmissionEvent>().Any())
        {
            return Decided(PlanFinishedInstanceRefusals(instance, current, fresh.OfType<SubmissionEvent>(), now), deferred);
        }

        if (current is null || current.IsAwaitingStart)
        {
            return Decided(PlanAwaitingStart(instance, current, fresh, now), deferred);
        }

        if (current.IsTerminal)
        {
            logger.LogInformation("Instance {InstanceId}: dropped {Count} message(s) for an instance that is not running.", instance.InstanceId, fresh.Count);
            var dropped = new StepDecision { Dropped = fresh.Count };
            dropped.Deferred.AddRange(deferred);
            return dropped;
        }

        return PlanRunning(instance, current, fresh, deferred, now);
    }

    private static StepDecision Decided(StepPlan? plan, List<TaskMessage> deferred)
    {
        var decision = new StepDecision { Plan = plan };
        decision.Deferred.AddRange(deferred);
        return decision;
    }

    /// <summary>
    /// A recursive terminate reaches every sub-orchestration the execution started and has no outcome of, also one
    /// whose start is still queued (a terminate that arrives before a start is held and ends it as it starts).
    /// </summary>
    private static void TerminateChildren(InstanceSnapshot instance, InstanceState state, ExecutionTerminatedEvent terminated, StepPlan plan, DateTime now)
    {
        foreach (var (taskId, childId) in OpenWork.From(instance.History).SubOrchestrations)
        {
            plan.AddOutbox(new MessageOutboxItem(new TaskMessage(
                $"{state.InstanceId}|{state.ExecutionId}|terminate|{taskId}",
                childId,
                new ExecutionTerminatedEvent(terminated.Reason) { Output = terminated.Output, Recursive = true, Timestamp = now })));
        }
    }

    /// <summary>Messages for an execution that runs (or is suspended, or between ContinueAsNew generations).</summary>
    private StepDecision PlanRunning(InstanceSnapshot instance, InstanceState current, List<HistoryEvent> fresh, List<TaskMessage> deferred, DateTime now)
    {
        var state = current.Clone();
        var (inbound, refusedWhileHolding) = Sort(state, fresh);
        var plan = new StepPlan { State = state, FirstSequence = current.HistoryCount };
        var decision = new StepDecision { Plan = plan };
        decision.Deferred.AddRange(deferred);
        plan.NewEvents.Add(new OrchestratorStartedEvent { Timestamp = now });
        plan.NewEvents.AddRange(refusedWhileHolding);
        if (inbound.LastOrDefault() is ExecutionTerminatedEvent terminated)
        {
            plan.NewEvents.AddRange(inbound);
            plan.Complete(OrchestrationRuntimeStatus.Terminated, terminated.Output ?? DurableJson.Serialize(terminated.Reason), null, now);
            if (terminated.Recursive)
            {
                TerminateChildren(instance, state, terminated, plan, now);
            }
        }
        else if (inbound.LastOrDefault() is MessagePoisonedEvent poisoned)
        {
            plan.NewEvents.AddRange(inbound);
            plan.Complete(OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("PoisonMessage", poisoned.Reason), now);
        }
        else if (state.Status == OrchestrationRuntimeStatus.Suspended || inbound.Count == 0)
        {
            plan.NewEvents.AddRange(inbound);
            plan.Executor = instance.Executor;
            plan.ProjectionChanged = state.Status != current.Status;
        }
        else
        {
            var executor = instance.Executor ?? runner.CreateExecutor(instance, plan, now);
            if (executor is null)
            {
                plan.Finish(now);
                return decision;
            }

            // A local activity's outbox row is deleted by the commit that records its result.
            foreach (var e in inbound)
            {
                int? taskId = e switch { TaskCompletedEvent c => c.TaskScheduledId, TaskFailedEvent f => f.TaskScheduledId, _ => null };
                if (taskId is { } id && instance.ActivityRows.TryGetValue(ActivityKey(instance.InstanceId, state.ExecutionId, id), out var row))
                {
                    plan.DeleteRows.Add(row);
                }
            }

            // Results for tasks the execution no longer awaits are duplicates of deliveries already recorded.
            inbound.RemoveAll(e => e switch
            {
                TaskCompletedEvent c => !executor.Context.IsAwaitingResult(c.TaskScheduledId),
                TaskFailedEvent f => !executor.Context.IsAwaitingResult(f.TaskScheduledId),
                SubOrchestrationInstanceCompletedEvent c => !executor.Context.IsAwaitingResult(c.TaskScheduledId),
                SubOrchestrationInstanceFailedEvent f => !executor.Context.IsAwaitingResult(f.TaskScheduledId),
                TimerFiredEvent t => !executor.Context.IsAwaitingTimer(t.TimerId),
                _ => false,
            });
            if (inbound.Count == 0)
            {
                if (refusedWhileHolding.Count == 0)
                {
                    var nothing = new StepDecision();
                    nothing.Deferred.AddRange(deferred);
                    nothing.FinishedRows.AddRange(plan.DeleteRows);
                    return nothing;
                }

                plan.DeleteRows.Clear();
                plan.Executor = executor;
                plan.ProjectionChanged = false;
                plan.Finish(now);
                return decision;
            }

            plan.NewEvents.AddRange(inbound);
            runner.Run(executor, plan, [plan.NewEvents[0], .. inbound], now);
        }

        plan.Finish(now);
        return decision;
    }

    /// <summary>
    /// Splits new events into those the execution sees now (in arrival order), and submissions refused because the
    /// instance holds its events (suspended, or between generations); lifecycle events change <paramref name="state"/>.
    /// Nothing after a terminate (or a poisoned message) is applied.
    /// </summary>
    private static (List<HistoryEvent> Inbound, List<HistoryEvent> Refused) Sort(InstanceState state, List<HistoryEvent> fresh)
    {
        var inbound = new List<HistoryEvent>();
        var refused = new List<HistoryEvent>();
        foreach (var e in fresh.Where(e => e is not ExecutionStartedEvent))
        {
            bool holding = state.Status is OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.ContinuedAsNew;
            switch (e)
            {
                case ExecutionTerminatedEvent or MessagePoisonedEvent:
                    inbound.Add(e);
                    break;
                case ExecutionResumedEvent when state.Status == OrchestrationRuntimeStatus.Suspended:
                    inbound.Add(e);
                    state.Status = OrchestrationRuntimeStatus.Running;
                    inbound.AddRange(state.HeldEvents);
                    state.HeldEvents.Clear();
                    break;
                case ExecutionSuspendedEvent when state.Status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending:
                    inbound.Add(e);
                    state.Status = OrchestrationRuntimeStatus.Suspended;
                    break;
                case ExecutionSuspendedEvent or ExecutionResumedEvent when state.Status == OrchestrationRuntimeStatus.ContinuedAsNew:
                    HoldForNextStart(state, e);
                    break;
                case ExecutionSuspendedEvent or ExecutionResumedEvent:
                    // Suspending a suspended instance, or resuming a running one, changes nothing (but is recorded as seen).
                    RecordConsumed(state, e);
                    break;
                case SubmissionEvent submission when holding:
                    // People's submissions are never held for later: answered now, recorded as refused.
                    refused.Add(submission with { Decision = StepPlan.NotAwaited(state.Status) });
                    break;
                default:
                    if (holding)
                    {
                        state.HeldEvents.Add(e);
                    }
                    else
                    {
                        inbound.Add(e);
                    }

                    break;
            }

            if (inbound.LastOrDefault() is ExecutionTerminatedEvent or MessagePoisonedEvent)
            {
                break;
            }
        }

        return (inbound, refused);
    }

    /// <summary>
    /// Messages that reach an instance before its start message (another sender's message overtook it) are kept in
    /// a state row awaiting the start, and given to the execution when it starts: never dropped.
    /// </summary>
    private static StepPlan PlanAwaitingStart(InstanceSnapshot instance, InstanceState? current, List<HistoryEvent> fresh, DateTime now)
    {
        var state = current?.Clone() ?? new InstanceState { InstanceId = instance.InstanceId, Status = OrchestrationRuntimeStatus.Pending, CreatedAt = now };
        foreach (var e in fresh.Where(e => e is not ExecutionStartedEvent and not SubmissionEvent))
        {
            HoldForNextStart(state, e);
        }

        var plan = new StepPlan { State = state, FirstSequence = 0, ProjectionChanged = false };

        // Submissions are never held: one that comes before the start is answered as not awaited (its caller waits for that answer).
        foreach (var submission in fresh.OfType<SubmissionEvent>())
        {
            plan.Submissions.Add(Submissions.SubmissionRecord.Decided(submission with { Decision = StepPlan.NotAwaited(OrchestrationRuntimeStatus.Pending) }, now));
        }

        return plan.Finish(now);
    }

    /// <summary>
    /// Keeps an event for the execution that starts next. Suspend and resume act on the held state at once: the
    /// execution starts suspended when the last of them was a suspend (a resume before the start is not kept).
    /// </summary>
    private static void HoldForNextStart(InstanceState state, HistoryEvent e)
    {
        switch (e)
        {
            case ExecutionSuspendedEvent:
                foreach (var replaced in state.HeldEvents.Where(h => h is ExecutionSuspendedEvent).ToList())
                {
                    state.HeldEvents.Remove(replaced);
                    RecordConsumed(state, replaced);
                }

                state.HeldEvents.Add(e);
                break;
            case ExecutionResumedEvent:
                foreach (var cancelled in state.HeldEvents.Where(h => h is ExecutionSuspendedEvent).ToList())
                {
                    state.HeldEvents.Remove(cancelled);
                    RecordConsumed(state, cancelled);
                }

                RecordConsumed(state, e);
                break;
            default:
                state.HeldEvents.Add(e);
                break;
        }
    }

    /// <summary>
    /// Remembers the message of an event that acted without being recorded in history or held (its redelivery, e.g. of a
    /// resume after a later suspend, must be dropped as a duplicate, not applied again).
    /// </summary>
    private static void RecordConsumed(InstanceState state, HistoryEvent e)
    {
        if (e.MessageId is { } id && !state.RecentMessageIds.Contains(id))
        {
            state.RecentMessageIds.Add(id);
        }
    }

    private static bool IsLifecycleEvent(HistoryEvent e) =>
        e is ExecutionTerminatedEvent or ExecutionSuspendedEvent or ExecutionResumedEvent or MessagePoisonedEvent;

    /// <summary>Records the refusal of submissions that reached an instance after it finished (the caller is answered).</summary>
    private static StepPlan PlanFinishedInstanceRefusals(InstanceSnapshot instance, InstanceState current, IEnumerable<SubmissionEvent> submissions, DateTime now)
    {
        var plan = new StepPlan { State = current.Clone(), FirstSequence = current.HistoryCount, Executor = instance.Executor, ProjectionChanged = false };
        plan.NewEvents.AddRange(submissions.Select(s => s with { Decision = StepPlan.NotAwaited(current.Status) }));
        return plan.Finish(now);
    }

    internal static string ActivityKey(string instanceId, string executionId, int taskId) => $"{instanceId}|{executionId}|task|{taskId}";

    /// <summary>
    /// Outbox rows of local activities whose execution has ended (finished, or continued as new): no commit will
    /// record their results, so they are deleted once the activities have run, or every reload would run them again.
    /// </summary>
    public static List<string> RowsOfEndedActivities(string instanceId, InstanceState? state, IReadOnlyDictionary<string, string> activityRows)
    {
        string? running = state is null || state.IsTerminal || state.Status == OrchestrationRuntimeStatus.ContinuedAsNew ? null : $"{instanceId}|{state.ExecutionId}|";
        return activityRows.Where(kv => running is null || !kv.Key.StartsWith(running, StringComparison.Ordinal)).Select(kv => kv.Key).ToList();
    }
}
