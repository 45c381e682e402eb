using Governance.Durable.Core;

namespace Governance.Durable.Runtime;

/// <summary>
/// Carries out committed outbox entries. Activities run here when a slot is free (their row stays until the
/// result is committed), else go to the shared work-item queue; timers become timer rows; messages go to the
/// target's control queue; a bundle's items go the queue way. Dispatched rows are deleted with the next commit or when the instance goes quiet.
/// </summary>
internal sealed class OutboxDispatcher(
    DurableTaskHub hub, SessionManager sessions, ActivityRunner activities, ActivityWorkItemQueue workItems,
    ProjectionWriter projections, SemaphoreSlim activitySlots, WorkerLifetime lifetime)
{
    /// <summary>Activities waiting here for a local slot.</summary>
    private int activityBacklog;

    public async Task DispatchAsync(InstanceSession session, IReadOnlyList<OutboxEntry> entries, CancellationToken token)
    {
        foreach (var entry in entries)
        {
            if (lifetime.IsCrashed)
            {
                return;
            }

            switch (entry.Item)
            {
                case ActivityOutboxItem { Request: var request }:
                    // Run here when a slot is free or the local backlog is short (the outbox row and the held trigger
                    // make it durable); beyond that, hand it to the shared work-item queue so other hosts can help.
                    bool slot = activitySlots.Wait(0);
                    if (slot || Interlocked.Increment(ref activityBacklog) <= hub.Options.MaxConcurrentActivityFunctions * 10)
                    {
                        session.ActivityRows[request.MessageId] = entry.RowKey;
                        lock (session.Gate)
                        {
                            session.ActivitiesInFlight++;
                        }

                        _ = Task.Run(() => RunLocalActivityAsync(session, request, slot), CancellationToken.None);
                    }
                    else
                    {
                        Interlocked.Decrement(ref activityBacklog);
                        await workItems.EnqueueAsync(request, token);
                        session.DispatchedRows.Add(entry.RowKey);
                    }

                    break;
                case BundleOutboxItem bundle:
                    // A large fan-out's overflow: through the queues, where any host's free slots take it.
                    foreach (var item in bundle.Items)
                    {
                        await SendThroughQueuesAsync(item, token);
                    }

                    session.DispatchedRows.Add(entry.RowKey);
                    break;
                default:
                    await SendThroughQueuesAsync(entry.Item, token);
                    session.DispatchedRows.Add(entry.RowKey);
                    break;
            }
        }
    }

    private async Task SendThroughQueuesAsync(OutboxItem item, CancellationToken token)
    {
        switch (item)
        {
            case ActivityOutboxItem { Request: var request }:
                await workItems.EnqueueAsync(request, token);
                break;
            case TimerOutboxItem timer:
                await hub.ScheduleTimerAsync(timer.FireAt, timer.Message, token);
                break;
            case MessageOutboxItem { Message: var message }:
                await projections.AddPendingChildAsync(message, token);
                await hub.SendAsync(message, token);
                break;
        }
    }

    private async Task RunLocalActivityAsync(InstanceSession session, ActivityRequest request, bool hasSlot)
    {
        if (!hasSlot)
        {
            try
            {
                await activitySlots.WaitAsync(lifetime.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Interlocked.Decrement(ref activityBacklog);
            }
        }

        TaskMessage result;
        try
        {
            result = await activities.ExecuteAsync(request, attempt: 1);
        }
        finally
        {
            activitySlots.Release();
        }

        try
        {
            hub.Options.FaultInjector?.At(FaultPoint.AfterActivity, request.InstanceId);
            hub.Options.FaultInjector?.At(FaultPoint.BeforeResultHandOff, request.InstanceId);
        }
        catch (Exception) when (lifetime.IsCrashed)
        {
            return;
        }

        sessions.AcceptActivityResult(session, result);
    }
}
