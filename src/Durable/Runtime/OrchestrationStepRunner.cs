using Azure;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Governance.Durable.Submissions;

namespace Governance.Durable.Runtime;

/// <summary>
/// Carries out one step of an instance: loads it when it is not cached, asks the <see cref="StepPlanner"/> what the
/// messages do, commits the plan in one transaction, updates the cache, dispatches the outbox and writes the view.
/// </summary>
internal sealed class OrchestrationStepRunner(
    TaskHubStore store, DurableTaskOptions options, TimeProvider clock, StepPlanner planner, OutboxDispatcher dispatcher,
    ProjectionWriter projections, InstanceWatchers watchers, SubmissionWatchers submissionWatchers)
{
    public async Task RunAsync(InstanceSession session, List<TaskMessage> messages, CancellationToken token)
    {
        session.LastUsedTicks = Environment.TickCount64;
        if (!session.Loaded)
        {
            await LoadAsync(session, token);
        }

        var decision = planner.Plan(session.Snapshot(), messages, clock.GetUtcNow().UtcDateTime);
        if (decision.Deferred.Count > 0)
        {
            lock (session.Gate)
            {
                session.Inbox.InsertRange(0, decision.Deferred);
            }
        }

        session.DispatchedRows.UnionWith(decision.FinishedRows);
        var plan = decision.Plan;
        if (plan is null)
        {
            // Nothing to record (duplicates, or messages for an instance that does not exist): still redispatch what a crash left behind.
            await dispatcher.DispatchAsync(session, session.Undispatched, token);
            session.Undispatched = [];
            if (session.State is { } loadedState)
            {
                // A redelivered trigger of a step committed just before a crash: its view may never have been written.
                await RepairViewOnceAsync(session, loadedState, token);
            }

            return;
        }

        var previous = session.State;
        await CommitAsync(session, plan, token);

        // The step is committed: update the cache.
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

        if (!plan.StartsNewGeneration)
        {
            // Messages the step consumed without recording them as events (a new generation's list is already known).
            session.SeenMessageIds.UnionWith(plan.State.RecentMessageIds.Skip(previous?.RecentMessageIds.Count ?? 0));
        }

        foreach (var row in plan.DeleteRows)
        {
            foreach (var key in session.ActivityRows.Where(kv => kv.Value == row).Select(kv => kv.Key).ToList())
            {
                session.ActivityRows.Remove(key);
            }
        }

        // With the instance cache off every step replays from history, as a worker without extended sessions does.
        session.Executor = options.InstanceCacheSize > 0 ? plan.Executor : null;
        options.FaultInjector?.At(FaultPoint.AfterCommit, session.InstanceId);

        var toDispatch = session.Undispatched.Concat(plan.NewOutbox).ToList();
        session.Undispatched = [];
        await dispatcher.DispatchAsync(session, toDispatch, token);
        await ProjectAsync(session, plan, previous, token);
        options.FaultInjector?.At(FaultPoint.AfterDispatch, session.InstanceId);
        submissionWatchers.Decided(session.InstanceId, plan.Submissions);
        watchers.NotifyChanged(session.InstanceId, plan.State);
    }

    private async Task LoadAsync(InstanceSession session, CancellationToken token)
    {
        var loaded = await store.LoadAsync(session.InstanceId, token);
        session.Loaded = true;
        session.AssumedEmpty = false;
        session.State = loaded?.State;
        session.ETag = loaded?.ETag ?? default;
        session.History = loaded?.History ?? [];
        session.Tail = null;
        session.Undispatched = loaded?.Outbox ?? [];
        session.Executor = null;
        session.ViewConfirmed = false;
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

    /// <summary>Writes the plan in one transaction of the instance's history partition; the new ETag is kept in the session.</summary>
    private async Task CommitAsync(InstanceSession session, StepPlan plan, CancellationToken token)
    {
        // Large inputs, outputs and statuses live in blobs; state and projection rows keep a reference.
        plan.State.Input = await store.OffloadAsync(session.InstanceId, plan.State.Input);
        plan.State.Output = await store.OffloadAsync(session.InstanceId, plan.State.Output);
        plan.State.CustomStatus = await store.OffloadAsync(session.InstanceId, plan.State.CustomStatus);
        options.FaultInjector?.At(FaultPoint.BeforeCommit, session.InstanceId);
        ETag? expected = session.State is null ? null : session.ETag;
        try
        {
            var deletes = session.DispatchedRows.Concat(plan.DeleteRows).Distinct().ToList();
            var tail = plan.StartsNewGeneration ? null : session.Tail ?? HistoryTail.Of(session.State, session.History);
            var committed = await store.CommitAsync(new StepCommit(plan.State, expected, plan.FirstSequence, plan.NewEvents, plan.NewOutbox, deletes)
            {
                Submissions = plan.Submissions,
                Tail = tail,
                AuditHeadAbsent = session.AssumedEmpty,
            }, token);
            session.ETag = committed.ETag;
            session.Tail = committed.Tail;
            session.DispatchedRows.Clear();
            session.AssumedEmpty = false;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new CommitConflictException(ex);
        }
    }

    /// <summary>
    /// The first step after a load that writes no view of its own rewrites it once from the committed state: a host may
    /// have died between a step's commit and its view. Never over a view of another execution (a client's new start).
    /// </summary>
    private async Task RepairViewOnceAsync(InstanceSession session, InstanceState state, CancellationToken token)
    {
        if (!session.ViewConfirmed && !state.IsAwaitingStart)
        {
            session.ViewConfirmed = true;
            await projections.RepairAsync(state, token);
        }
    }

    /// <summary>
    /// A busy step that changes nothing callers filter on is not projected: the next idle or changing step writes the
    /// view, so it is current whenever the instance rests. Written in the background while the instance is busy; when
    /// it rests or ends, callers must see it, so the step waits for it.
    /// </summary>
    private async Task ProjectAsync(InstanceSession session, StepPlan plan, InstanceState? previous, CancellationToken token)
    {
        bool busy;
        lock (session.Gate)
        {
            busy = session.ActivitiesInFlight > 0 || session.Inbox.Count > 0;
        }

        bool project = plan.ProjectionChanged
            && (!busy || plan.State.IsTerminal || previous is null || ProjectionWriter.ChangesProjection(previous, plan.State));
        if (project)
        {
            session.ViewConfirmed = true;
            projections.Enqueue(session, plan.State, token);
        }
        else
        {
            await RepairViewOnceAsync(session, plan.State, token);
        }

        if (!busy || plan.State.IsTerminal)
        {
            await session.Projection;
        }
    }
}
