using Azure;
using Governance.Durable.Core;
using Governance.Durable.Runtime;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable;

public sealed partial class DurableTaskHub
{
    private const int MaxStepAttempts = 5;
    private const int MaxRecentMessageIds = 500;

    /// <summary>Submissions one step decides at most (their outcome rows share the commit's transaction); the rest wait for the next step.</summary>
    internal const int MaxSubmissionsPerStep = 20;

    /// <summary>Thrown when a commit lost the race to another writer of the same instance.</summary>
    private sealed class CommitConflictException(Exception inner) : Exception("Another writer committed this instance first.", inner);

    /// <summary>Processes an instance's mailbox, one step at a time, until it is empty; then releases triggers if quiescent.</summary>
    private async Task ProcessSessionAsync(InstanceSession session)
    {
        var token = stopping.Token;
        int failures = 0;
        try
        {
            await orchestrationSlots.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            while (true)
            {
                List<TaskMessage> batch;
                lock (session.Gate)
                {
                    if (session.Abandoned || crashed)
                    {
                        session.Running = false;
                        return;
                    }

                    session.HeldTriggers.AddRange(session.NewTriggers);
                    session.NewTriggers.Clear();
                    if (session.Inbox.Count == 0 && !session.RedriveRequested)
                    {
                        break;
                    }

                    batch = [.. session.Inbox];
                    session.Inbox.Clear();
                    if (session.RedriveRequested && batch.Count == 0)
                    {
                        // Reload from storage: an empty step re-dispatches the outbox it finds.
                        session.Unload();
                    }

                    session.RedriveRequested = false;
                }

                try
                {
                    RaiseStepExecuting(session.InstanceId, true);
                    await RunStepAsync(session, batch, token);
                    failures = 0;
                }
                catch (Exception ex) when (!crashed && !token.IsCancellationRequested)
                {
                    failures++;
                    session.Unload();
                    if (ex is CommitConflictException)
                    {
                        logger.LogInformation("Instance {InstanceId}: commit conflict, reloading (attempt {Attempt}).", session.InstanceId, failures);
                    }
                    else
                    {
                        logger.LogWarning(ex, "Instance {InstanceId}: step failed (attempt {Attempt}).", session.InstanceId, failures);
                    }

                    if (failures >= MaxStepAttempts)
                    {
                        // Give everything back: the held messages reappear, count as failed deliveries, and end in the poison table.
                        lock (session.Gate)
                        {
                            foreach (var trigger in session.HeldTriggers)
                            {
                                trigger.Abandon();
                            }

                            session.HeldTriggers.Clear();
                            session.Running = false;
                            sessions.TryRemove(session.InstanceId, out _);
                        }

                        return;
                    }

                    lock (session.Gate)
                    {
                        session.Inbox.InsertRange(0, batch);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(50 * failures * failures), CancellationToken.None);
                }
                finally
                {
                    RaiseStepExecuting(session.InstanceId, false);
                }
            }
        }
        catch (Exception) when (crashed || token.IsCancellationRequested)
        {
            lock (session.Gate)
            {
                session.Running = false;
            }

            return;
        }
        finally
        {
            orchestrationSlots.Release();
        }

        await ReleaseIfQuiescentAsync(session, token);
    }

    /// <summary>
    /// When nothing of the instance is pending (no mailbox, no local activity running), deletes dispatched outbox
    /// rows and then the held triggers. Otherwise the session keeps running later, when the pending work reports.
    /// </summary>
    private async Task ReleaseIfQuiescentAsync(InstanceSession session, CancellationToken token)
    {
        List<Trigger> release;
        List<string> rows;
        lock (session.Gate)
        {
            if (session.Inbox.Count > 0 || session.NewTriggers.Count > 0)
            {
                // New work arrived meanwhile: keep going.
                _ = Task.Run(() => ProcessSessionAsync(session));
                return;
            }

            if (session.ActivitiesInFlight > 0)
            {
                session.Running = false;
                QuiescenceChecked?.Invoke(session.InstanceId, false);
                return;
            }

            release = [.. session.HeldTriggers];
            session.HeldTriggers.Clear();
            rows = [.. session.DispatchedRows, .. TakeRowsOfEndedActivities(session)];
            session.DispatchedRows.Clear();
            session.Running = false;
        }

        try
        {
            await session.Projection;
            if (rows.Count > 0 && !crashed)
            {
                await Store.DeleteRowsAsync(session.InstanceId, rows, token);
            }

            foreach (var trigger in release)
            {
                if (crashed)
                {
                    return;
                }

                await trigger.CompleteAsync(token);
            }
        }
        catch (Exception ex) when (!crashed)
        {
            logger.LogWarning(ex, "Instance {InstanceId}: releasing triggers failed; they will be redelivered and dropped as duplicates.", session.InstanceId);
        }

        QuiescenceChecked?.Invoke(session.InstanceId, true);
        TrimCache();
    }

    /// <summary>
    /// Outbox rows of local activities whose execution has ended (finished, or continued as new): no commit will
    /// record their results, so they are deleted once the activities have run, or every reload would run them again.
    /// </summary>
    private static List<string> TakeRowsOfEndedActivities(InstanceSession session)
    {
        var state = session.State;
        string? running = state is null || state.IsTerminal || state.Status == OrchestrationRuntimeStatus.ContinuedAsNew ? null : $"{session.InstanceId}|{state.ExecutionId}|";
        var ended = session.ActivityRows.Where(kv => running is null || !kv.Key.StartsWith(running, StringComparison.Ordinal)).ToList();
        foreach (var (key, _) in ended)
        {
            session.ActivityRows.Remove(key);
        }

        return ended.Select(kv => kv.Value).ToList();
    }

    private void TrimCache()
    {
        int excess = sessions.Count - Options.InstanceCacheSize;
        if (excess <= 0)
        {
            return;
        }

        foreach (var idle in sessions.Values.Where(s => !s.Running).OrderBy(s => s.LastUsedTicks).Take(excess).ToList())
        {
            lock (idle.Gate)
            {
                if (!idle.Running && idle.Inbox.Count == 0 && idle.HeldTriggers.Count == 0 && idle.ActivitiesInFlight == 0)
                {
                    sessions.TryRemove(idle.InstanceId, out _);
                }
            }
        }
    }

    private async Task RunStepAsync(InstanceSession session, List<TaskMessage> messages, CancellationToken token)
    {
        session.LastUsedTicks = Environment.TickCount64;
        if (!session.Loaded)
        {
            var loaded = await Store.LoadAsync(session.InstanceId, token);
            session.Loaded = true;
            session.State = loaded?.State;
            session.ETag = loaded?.ETag ?? default;
            session.History = loaded?.History ?? [];
            session.Undispatched = loaded?.Outbox ?? [];
            session.Executor = null;
            session.SeenMessageIds = new HashSet<string>(session.History.Select(e => e.MessageId).OfType<string>(), StringComparer.Ordinal);
            if (loaded?.State.RecentMessageIds is { } recent)
            {
                session.SeenMessageIds.UnionWith(recent);
            }

            // Held events are recorded too: a redelivery of one must not be held twice.
            session.SeenMessageIds.UnionWith(loaded?.State.HeldEvents.Select(e => e.MessageId).OfType<string>() ?? []);

            foreach (string stale in loaded?.StaleRowKeys ?? [])
            {
                session.DispatchedRows.Add(stale);
            }
        }

        var plan = PlanStep(session, messages);
        if (plan is null)
        {
            // Nothing to record (duplicates, or messages for an instance that does not exist): still redispatch what a crash left behind.
            await DispatchAsync(session, session.Undispatched, token);
            session.Undispatched = [];
            return;
        }

        // Large inputs, outputs and statuses live in blobs; state and projection rows keep a reference.
        plan.State.Input = await Store.OffloadAsync(session.InstanceId, plan.State.Input);
        plan.State.Output = await Store.OffloadAsync(session.InstanceId, plan.State.Output);
        plan.State.CustomStatus = await Store.OffloadAsync(session.InstanceId, plan.State.CustomStatus);
        Options.FaultInjector?.At(FaultPoint.BeforeCommit, session.InstanceId);
        ETag etag;
        try
        {
            var deletes = session.DispatchedRows.Concat(plan.DeleteRows).Distinct().ToList();
            etag = await Store.CommitAsync(new StepCommit(plan.State, plan.ExpectedETag, plan.FirstSequence, plan.NewEvents, plan.NewOutbox, deletes)
            {
                Submissions = plan.Submissions,
            }, token);
            session.DispatchedRows.Clear();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new CommitConflictException(ex);
        }

        // The step is committed: update the cache.
        var previous = session.State;
        session.ETag = etag;
        session.State = plan.State;
        if (plan.StartsNewGeneration)
        {
            session.History = [.. plan.NewEvents];
        }
        else
        {
            session.History.AddRange(plan.NewEvents);
        }

        foreach (var e in plan.NewEvents.Concat(plan.State.HeldEvents))
        {
            if (e.MessageId is not null)
            {
                session.SeenMessageIds.Add(e.MessageId);
            }
        }

        foreach (var row in plan.DeleteRows)
        {
            foreach (var key in session.ActivityRows.Where(kv => kv.Value == row).Select(kv => kv.Key).ToList())
            {
                session.ActivityRows.Remove(key);
            }
        }

        // With the instance cache off every step replays from history, as a worker without extended sessions does.
        session.Executor = Options.InstanceCacheSize > 0 ? plan.Executor : null;
        Options.FaultInjector?.At(FaultPoint.AfterCommit, session.InstanceId);

        var toDispatch = session.Undispatched.Concat(plan.NewOutbox).ToList();
        session.Undispatched = [];
        await DispatchAsync(session, toDispatch, token);
        bool busy;
        lock (session.Gate)
        {
            busy = session.ActivitiesInFlight > 0 || session.Inbox.Count > 0;
        }

        // A busy step that changes nothing callers filter on (status, custom status, awaited events, next timer) is
        // not projected: the next idle or changing step writes the view, so it is current whenever the instance rests.
        bool project = plan.ProjectionChanged
            && (!busy || plan.State.IsTerminal || previous is null || ChangesProjection(previous, plan.State));
        if (project)
        {
            // Written in the background while the instance is busy (newest state only); when it rests or ends,
            // callers must see it, so wait for it.
            lock (session.Gate)
            {
                session.PendingProjection = plan.State.Clone();
                if (!session.ProjectionRunning)
                {
                    session.ProjectionRunning = true;
                    session.Projection = ProjectLatestAsync(session, token);
                }
            }
        }

        if (!busy || plan.State.IsTerminal)
        {
            await session.Projection;
        }

        Options.FaultInjector?.At(FaultPoint.AfterDispatch, session.InstanceId);
        SubmissionWatchers.Decided(session.InstanceId, plan.Submissions);
        NotifyChanged(session.InstanceId, plan.State);
    }

    private static bool ChangesProjection(InstanceState before, InstanceState after) =>
        before.Status != after.Status
        || before.CustomStatus != after.CustomStatus
        || before.NextTimerDueAt != after.NextTimerDueAt
        || !before.WaitingForEvents.SequenceEqual(after.WaitingForEvents)
        || before.Generation != after.Generation;

    /// <summary>Writes the newest waiting projection of the instance until none is waiting (states superseded meanwhile are skipped).</summary>
    private async Task ProjectLatestAsync(InstanceSession session, CancellationToken token)
    {
        await Task.Yield();
        while (true)
        {
            InstanceState? state;
            lock (session.Gate)
            {
                state = session.PendingProjection;
                session.PendingProjection = null;
                if (state is null)
                {
                    session.ProjectionRunning = false;
                    return;
                }
            }

            try
            {
                await ProjectAsync(state, token);
            }
            catch (Exception ex)
            {
                // The view lags until the next step writes it again; the instance's own state is committed.
                logger.LogWarning(ex, "Instance {InstanceId}: updating the query projection failed.", state.InstanceId);
            }
        }
    }

    private sealed class StepPlan
    {
        public required InstanceState State { get; init; }
        public ETag? ExpectedETag { get; init; }
        public int FirstSequence { get; init; }
        public List<HistoryEvent> NewEvents { get; } = [];
        public List<OutboxEntry> NewOutbox { get; } = [];
        public List<string> DeleteRows { get; } = [];
        public OrchestrationExecutor? Executor { get; set; }
        public bool StartsNewGeneration { get; init; }
        public bool ProjectionChanged { get; set; } = true;
        public List<Submissions.SubmissionRecord> Submissions { get; } = [];
    }

    /// <summary>Decides what the messages do to the instance and runs the orchestrator; returns null when nothing is to be recorded.</summary>
    private StepPlan? PlanStep(InstanceSession session, List<TaskMessage> messages)
    {
        DateTime now = UtcNow;
        var current = session.State;
        messages = DeferSubmissionsBeyondLimit(session, messages);
        var fresh = messages
            .Where(m => !session.SeenMessageIds.Contains(m.Id))
            // A message for one execution never reaches another, nor an instance that has none (e.g. an activity of a
            // purged instance finishing late must not be kept for a later instance of the same id).
            .Where(m => m.TargetExecutionId is null || m.TargetExecutionId == current?.ExecutionId)
            .GroupBy(m => m.Id).Select(g => g.First())
            .Select(m => m.Event with { MessageId = m.Id, Timestamp = m.Event.Timestamp == default ? now : m.Event.Timestamp })
            .ToList();
        if (fresh.Count == 0)
        {
            return null;
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
            lock (session.Gate)
            {
                session.Inbox.InsertRange(0, messages.Where(m => m.Event is ExecutionStartedEvent));
            }

            fresh.RemoveAll(e => e is ExecutionStartedEvent);
            start = null;
        }
        else if (start is not null)
        {
            // Start the execution in this step with the events that came with it; other messages (results of the
            // previous execution, lifecycle changes) are handled by the next step.
            var rest = messages.Where(m => m.Event is not ExecutionStartedEvent and not EventRaisedEvent && !session.SeenMessageIds.Contains(m.Id)).ToList();
            lock (session.Gate)
            {
                session.Inbox.InsertRange(0, rest);
            }

            return PlanNewExecution(session, start, fresh.Where(e => e is EventRaisedEvent).ToList(), now);
        }

        if ((current is null || current.IsAwaitingStart) && fresh.OfType<MessagePoisonedEvent>().FirstOrDefault(p => p.Start is not null) is { } poisonedStart)
        {
            return PlanPoisonedStart(session, poisonedStart, now);
        }

        if (current is not null && current.IsTerminal && fresh.OfType<SubmissionEvent>().Any())
        {
            return PlanFinishedInstanceRefusals(session, current, fresh.OfType<SubmissionEvent>(), now);
        }

        if (current is null || current.IsAwaitingStart)
        {
            return PlanAwaitingStart(session, current, fresh, now);
        }

        if (current.IsTerminal)
        {
            logger.LogInformation("Instance {InstanceId}: dropped {Count} message(s) for an instance that is not running.", session.InstanceId, fresh.Count);
            return null;
        }

        var state = current.Clone();
        var inbound = new List<HistoryEvent>();
        var refusedWhileHolding = new List<HistoryEvent>();
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
                case ExecutionSuspendedEvent when state.Status == OrchestrationRuntimeStatus.ContinuedAsNew:
                    // Between generations: the next generation starts suspended.
                    state.HeldEvents.RemoveAll(h => h is ExecutionSuspendedEvent);
                    state.HeldEvents.Add(e);
                    break;
                case ExecutionResumedEvent when state.Status == OrchestrationRuntimeStatus.ContinuedAsNew:
                    state.HeldEvents.RemoveAll(h => h is ExecutionSuspendedEvent);
                    break;
                case ExecutionSuspendedEvent or ExecutionResumedEvent:
                    break; // Suspending a suspended instance, or resuming a running one, changes nothing.
                case SubmissionEvent submission when holding:
                    // People's submissions are never held for later: answered now, recorded as refused.
                    refusedWhileHolding.Add(submission with { Decision = NotAwaited(state.Status) });
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

        var plan = new StepPlan { State = state, ExpectedETag = session.ETag, FirstSequence = current.HistoryCount };
        plan.NewEvents.Add(new OrchestratorStartedEvent { Timestamp = now });
        plan.NewEvents.AddRange(refusedWhileHolding);
        if (inbound.LastOrDefault() is ExecutionTerminatedEvent terminated)
        {
            plan.NewEvents.AddRange(inbound);
            Complete(plan, session, OrchestrationRuntimeStatus.Terminated, terminated.Output ?? DurableJson.Serialize(terminated.Reason), null, now);
        }
        else if (inbound.LastOrDefault() is MessagePoisonedEvent poisoned)
        {
            plan.NewEvents.AddRange(inbound);
            Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("PoisonMessage", poisoned.Reason), now);
        }
        else if (state.Status == OrchestrationRuntimeStatus.Suspended || inbound.Count == 0)
        {
            plan.NewEvents.AddRange(inbound);
            plan.Executor = session.Executor;
            plan.ProjectionChanged = state.Status != current.Status;
        }
        else
        {
            var executor = session.Executor ?? CreateExecutor(session, state, plan, now);
            if (executor is null)
            {
                return FinishPlan(plan, state, now);
            }

            // A local activity's outbox row is deleted by the commit that records its result.
            foreach (var e in inbound)
            {
                int? taskId = e switch { TaskCompletedEvent c => c.TaskScheduledId, TaskFailedEvent f => f.TaskScheduledId, _ => null };
                if (taskId is { } id && session.ActivityRows.TryGetValue(ActivityKey(session.InstanceId, state.ExecutionId, id), out var row))
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
                if (plan.DeleteRows.Count > 0)
                {
                    session.DispatchedRows.UnionWith(plan.DeleteRows);
                }

                if (refusedWhileHolding.Count == 0)
                {
                    return null;
                }

                plan.DeleteRows.Clear();
                plan.Executor = executor;
                plan.ProjectionChanged = false;
                return FinishPlan(plan, state, now);
            }

            plan.NewEvents.AddRange(inbound);
            RunOrchestrator(session, executor, plan, [plan.NewEvents[0], .. inbound], now);
        }

        return FinishPlan(plan, state, now);
    }

    /// <summary>
    /// Messages that reach an instance before its start message (another sender's message overtook it) are kept in
    /// a state row awaiting the start, and given to the execution when it starts: never dropped.
    /// </summary>
    private static StepPlan PlanAwaitingStart(InstanceSession session, InstanceState? current, List<HistoryEvent> fresh, DateTime now)
    {
        var state = current?.Clone() ?? new InstanceState { InstanceId = session.InstanceId, Status = OrchestrationRuntimeStatus.Pending, CreatedAt = now };
        state.HeldEvents.AddRange(fresh.Where(e => e is not ExecutionStartedEvent and not SubmissionEvent));
        var plan = new StepPlan { State = state, ExpectedETag = current is null ? null : session.ETag, FirstSequence = 0, ProjectionChanged = false };

        // Submissions are never held: one that comes before the start is answered as not awaited (its caller waits for that answer).
        foreach (var submission in fresh.OfType<SubmissionEvent>())
        {
            plan.Submissions.Add(Submissions.SubmissionRecord.Decided(submission with { Decision = NotAwaited(OrchestrationRuntimeStatus.Pending) }, now));
        }

        return FinishPlan(plan, state, now);
    }

    private static bool IsLifecycleEvent(HistoryEvent e) =>
        e is ExecutionTerminatedEvent or ExecutionSuspendedEvent or ExecutionResumedEvent or MessagePoisonedEvent;

    /// <summary>Records the refusal of submissions that reached an instance after it finished (the caller is answered).</summary>
    private StepPlan PlanFinishedInstanceRefusals(InstanceSession session, InstanceState current, IEnumerable<SubmissionEvent> submissions, DateTime now)
    {
        var plan = new StepPlan { State = current.Clone(), ExpectedETag = session.ETag, FirstSequence = current.HistoryCount, Executor = session.Executor, ProjectionChanged = false };
        plan.NewEvents.AddRange(submissions.Select(s => s with { Decision = NotAwaited(current.Status) }));
        return FinishPlan(plan, plan.State, now);
    }

    private static SubmissionDecision NotAwaited(OrchestrationRuntimeStatus status) => new(SubmissionStatus.NotAwaited,
        MessageEn: $"The instance is {status} and takes no submissions now.",
        MessageZh: $"流程当前状态为{status}，现在不受理提交。");

    /// <summary>Bounds the submissions one step decides; the others go back to the front of the mailbox for the next step.</summary>
    private static List<TaskMessage> DeferSubmissionsBeyondLimit(InstanceSession session, List<TaskMessage> messages)
    {
        var deferred = messages.Where(m => m.Event is SubmissionEvent).Skip(MaxSubmissionsPerStep).ToList();
        if (deferred.Count == 0)
        {
            return messages;
        }

        lock (session.Gate)
        {
            session.Inbox.InsertRange(0, deferred);
        }

        var kept = new HashSet<TaskMessage>(deferred, ReferenceEqualityComparer.Instance);
        return messages.Where(m => !kept.Contains(m)).ToList();
    }

    /// <summary>The start message itself was poison: record the instance as failed, with the reason.</summary>
    private StepPlan PlanPoisonedStart(InstanceSession session, MessagePoisonedEvent poisoned, DateTime now)
    {
        var start = poisoned.Start! with { Generation = 1 };
        var state = new InstanceState
        {
            InstanceId = session.InstanceId,
            Name = start.Name,
            Version = start.Version,
            ExecutionId = start.ExecutionId,
            Generation = 1,
            CreatedAt = start.Timestamp,
            Input = start.Input,
            Tags = start.Tags is null ? new() : new Dictionary<string, string>(start.Tags),
            Parent = start.Parent,
        };
        var plan = new StepPlan { State = state, ExpectedETag = session.State is null ? null : session.ETag, FirstSequence = 0, StartsNewGeneration = true };
        plan.NewEvents.Add(new OrchestratorStartedEvent { Timestamp = now });
        plan.NewEvents.Add(start);
        plan.NewEvents.Add(poisoned with { Start = null });
        Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("PoisonMessage", poisoned.Reason), now);
        return FinishPlan(plan, state, now);
    }

    private StepPlan PlanNewExecution(InstanceSession session, ExecutionStartedEvent start, List<HistoryEvent> others, DateTime now)
    {
        var previous = session.State;
        int generation = (previous?.Generation ?? 0) + 1;
        var state = new InstanceState
        {
            InstanceId = session.InstanceId,
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
            RecentMessageIds = previous is null ? [] : previous.RecentMessageIds.Concat(session.History.Select(e => e.MessageId).OfType<string>()).TakeLast(MaxRecentMessageIds).ToList(),
        };
        var inbound = new List<HistoryEvent> { start with { Generation = generation } };
        var held = previous is { Status: OrchestrationRuntimeStatus.ContinuedAsNew } or { IsAwaitingStart: true } ? previous.HeldEvents : [];
        inbound.AddRange(held.Where(e => e is not ExecutionSuspendedEvent));
        inbound.AddRange(others.Where(e => e is EventRaisedEvent));
        var plan = new StepPlan
        {
            State = state,
            ExpectedETag = previous is null ? null : session.ETag,
            FirstSequence = 0,
            StartsNewGeneration = true,
        };
        plan.NewEvents.Add(new OrchestratorStartedEvent { Timestamp = now });
        session.Executor = null;
        if (held.OfType<ExecutionTerminatedEvent>().FirstOrDefault() is { } terminated)
        {
            // Terminated before it started.
            plan.NewEvents.Add(inbound[0]);
            plan.NewEvents.Add(terminated);
            Complete(plan, session, OrchestrationRuntimeStatus.Terminated, terminated.Output ?? DurableJson.Serialize(terminated.Reason), null, now);
            return FinishPlan(plan, state, now);
        }

        if (held.OfType<ExecutionSuspendedEvent>().FirstOrDefault() is { } suspended)
        {
            // Suspended between generations: record the start, run nothing until resumed (events wait with it).
            plan.NewEvents.Add(inbound[0]);
            plan.NewEvents.Add(suspended);
            state.Status = OrchestrationRuntimeStatus.Suspended;
            state.HeldEvents = inbound.Skip(1).ToList();
            return FinishPlan(plan, state, now);
        }

        var executor = CreateExecutor(session, state, plan, now, start);
        if (executor is not null)
        {
            plan.NewEvents.AddRange(inbound);
            RunOrchestrator(session, executor, plan, [plan.NewEvents[0], .. inbound], now);
        }
        else
        {
            plan.NewEvents.InsertRange(1, inbound);
        }

        return FinishPlan(plan, state, now);
    }

    /// <summary>Creates the orchestrator of the instance's recorded name and version and replays its history; fails the instance if it cannot.</summary>
    private OrchestrationExecutor? CreateExecutor(InstanceSession session, InstanceState state, StepPlan plan, DateTime now, ExecutionStartedEvent? newStart = null)
    {
        var started = newStart ?? session.History.OfType<ExecutionStartedEvent>().FirstOrDefault();
        if (started is null)
        {
            Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("CorruptHistory", "The history has no ExecutionStarted event."), now);
            return null;
        }

        if (Options.Versioning?.Refuse(state.Version) is { } mismatch)
        {
            Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, mismatch, now);
            return null;
        }

        if (!Registry.TryCreateOrchestrator(state.Name, state.Version, Services, out var orchestrator))
        {
            string message = $"Orchestrator '{state.Name}' version '{state.Version}' is not registered on this host.";
            logger.LogError("Instance {InstanceId}: {Message}", session.InstanceId, message);
            Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("OrchestratorNotFound", message), now);
            return null;
        }

        var executor = new OrchestrationExecutor(session.InstanceId, orchestrator!, started, LoggerFactory, Diagnostics);
        if (newStart is null)
        {
            try
            {
                executor.Replay(session.History);
            }
            catch (NonDeterministicOrchestrationException ex)
            {
                logger.LogError("Instance {InstanceId}: {Message}", session.InstanceId, ex.Message);
                Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(ex), now);
                return null;
            }
        }

        return executor;
    }

    private void RunOrchestrator(InstanceSession session, OrchestrationExecutor executor, StepPlan plan, List<HistoryEvent> inbound, DateTime now)
    {
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
            logger.LogError("Instance {InstanceId}: {Message}", session.InstanceId, ex.Message);
            Complete(plan, session, OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(ex), now);
            return;
        }

        var state = plan.State;
        string exec = state.ExecutionId;
        foreach (var action in outcome.NewActions)
        {
            plan.NewEvents.Add(action.ToHistoryEvent(now));
            OutboxItem item = action switch
            {
                ScheduleTaskAction t => new ActivityOutboxItem(new ActivityRequest(session.InstanceId, exec, t.Id, t.Name, t.Input) { Version = state.Version }),
                CreateTimerAction t => new TimerOutboxItem(t.FireAt, new TaskMessage(
                    $"{session.InstanceId}|{exec}|timer|{t.Id}", session.InstanceId, new TimerFiredEvent(t.Id, t.FireAt), exec)),
                CreateSubOrchestrationAction s => new MessageOutboxItem(new TaskMessage(
                    $"{session.InstanceId}|{exec}|sub|{s.Id}",
                    s.InstanceId,
                    new ExecutionStartedEvent(s.Name, string.IsNullOrEmpty(s.Version) ? Options.DefaultVersion : s.Version, s.Input,
                        Guid.NewGuid().ToString("N"), 0, new ParentInstanceInfo(state.Name, session.InstanceId, exec, s.Id), s.Tags ?? (state.Tags.Count > 0 ? state.Tags : null))
                    { Timestamp = now })),
                SendEventAction s => new MessageOutboxItem(new TaskMessage(
                    $"{session.InstanceId}|{exec}|event|{s.Id}", s.InstanceId, new EventRaisedEvent(s.EventName, s.Input) { Timestamp = now })),
                _ => throw new InvalidOperationException("Unknown action " + action.GetType().Name),
            };
            AddOutbox(plan, item);
        }

        state.CustomStatus = DurableJson.Serialize(executor.Context.CustomStatus);
        state.WaitingForEvents = [.. executor.Context.WaitingForEvents];
        state.NextTimerDueAt = executor.Context.NextTimerDueAt;
        plan.Executor = executor;
        // The projection is rewritten every step so LastUpdatedAt and the history count stay true for callers.
        plan.ProjectionChanged = true;

        if (outcome.IsCompleted)
        {
            if (outcome.ContinuedAsNew)
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
                AddOutbox(plan, new MessageOutboxItem(new TaskMessage(
                    $"{session.InstanceId}|{next}|start",
                    session.InstanceId,
                    new ExecutionStartedEvent(state.Name, outcome.ContinueAsNewVersion ?? state.Version, outcome.ContinueAsNewInput, next, 0, state.Parent, state.Tags) { Timestamp = now })));
                plan.Executor = null;
                plan.ProjectionChanged = true;
            }
            else
            {
                Complete(plan, session, outcome.Status, outcome.Output, outcome.Failure, now, orchestratorCompleted: true);
            }
        }
        else
        {
            plan.NewEvents.Add(new OrchestratorCompletedEvent { Timestamp = now });
        }
    }

    internal static string ActivityKey(string instanceId, string executionId, int taskId) => $"{instanceId}|{executionId}|task|{taskId}";

    private static void AddOutbox(StepPlan plan, OutboxItem item)
        => plan.NewOutbox.Add(new OutboxEntry($"{TaskHubStore.OutboxPrefix}{plan.State.StepVersion + 1:D10}|{plan.NewOutbox.Count:D4}", plan.State.StepVersion + 1, item));

    /// <summary>Ends the execution: records the outcome and tells a parent orchestration.</summary>
    private void Complete(StepPlan plan, InstanceSession session, OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure, DateTime now, bool orchestratorCompleted = false)
    {
        var state = plan.State;
        if (orchestratorCompleted)
        {
            plan.NewEvents.Add(new OrchestratorCompletedEvent { Timestamp = now });
        }

        plan.NewEvents.Add(new ExecutionCompletedEvent(status, output, failure) { Timestamp = now });
        state.Status = status;
        state.Output = output;
        state.Failure = failure;
        state.CompletedAt = now;
        state.WaitingForEvents = [];
        state.NextTimerDueAt = null;
        state.HeldEvents = [];
        plan.Executor = null;
        plan.ProjectionChanged = true;
        if (state.Parent is { } parent)
        {
            HistoryEvent report = status == OrchestrationRuntimeStatus.Completed
                ? new SubOrchestrationInstanceCompletedEvent(parent.TaskScheduledId, output) { Timestamp = now }
                : new SubOrchestrationInstanceFailedEvent(parent.TaskScheduledId, failure ?? new TaskFailureDetails(status.ToString(), $"Sub-orchestration '{session.InstanceId}' ended {status}: {output}")) { Timestamp = now };
            AddOutbox(plan, new MessageOutboxItem(new TaskMessage($"{session.InstanceId}|{state.ExecutionId}|done", parent.InstanceId, report, parent.ExecutionId)));
        }
    }

    private static StepPlan FinishPlan(StepPlan plan, InstanceState state, DateTime now)
    {
        // Every submission in the step gets a decision and an outcome row (e.g. one that came with a terminate).
        for (int i = 0; i < plan.NewEvents.Count; i++)
        {
            if (plan.NewEvents[i] is SubmissionEvent submission)
            {
                if (submission.Decision is null)
                {
                    plan.NewEvents[i] = submission = submission with { Decision = NotAwaited(state.Status) };
                }

                plan.Submissions.Add(Submissions.SubmissionRecord.Decided(submission, now));
            }
        }

        state.LastUpdatedAt = now;
        state.HistoryCount = plan.FirstSequence + plan.NewEvents.Count;
        state.StepVersion++;
        return plan;
    }
}
