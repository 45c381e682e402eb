using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Safety net on the owner of each partition: finds unfinished instances that nothing durable can wake any more and
/// re-drives them. An instance is a suspect when this host holds none of its work and its projection has not
/// changed since the previous sweep; a suspect is re-driven when storage shows a cause: outbox rows (re-dispatched),
/// a start never processed (start message sent again, same id), an awaited timer without its row, or activities
/// without a result while no work item is queued anywhere. Waiting only for external events is not stuck. Every
/// re-drive sends ids the instance already knows, so a false alarm costs a duplicate message that is dropped (for an
/// activity, one extra run). An instance inspected and found in order is not loaded again until its view changes:
/// governance instances wait for weeks, and a sweep must not reload all of them every interval.
/// </summary>
internal sealed class RecoverySweep(DurableTaskHub hub, ILogger logger)
{
    private static readonly Meter Meter = new("Governance.Durable");
    private static readonly Counter<long> Redriven = Meter.CreateCounter<long>("durable.recovery.redriven", description: "Unfinished instances found with nothing pending and re-driven");
    private static readonly string[] Unfinished = [nameof(OrchestrationRuntimeStatus.Running), nameof(OrchestrationRuntimeStatus.Pending), nameof(OrchestrationRuntimeStatus.ContinuedAsNew)];
    private Dictionary<string, DateTimeOffset> suspects = new(StringComparer.Ordinal);
    private Dictionary<string, DateTimeOffset> inOrder = new(StringComparer.Ordinal);
    private long redriven;
    private int sweeps;

    /// <summary>Instances re-driven by this host so far.</summary>
    public long RedrivenCount => Interlocked.Read(ref redriven);

    /// <summary>Sweeps completed so far.</summary>
    public int SweepCount => Volatile.Read(ref sweeps);

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(hub.Options.RecoverySweepInterval, stopping);
                await SweepAsync(stopping);
                Interlocked.Increment(ref sweeps);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Recovery sweep failed; retrying at the next interval.");
            }
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        string filter = string.Join(" or ", Unfinished.Select(s => TableClient.CreateQueryFilter($"RuntimeStatus eq {s}")));
        var seen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var stillInOrder = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var row in hub.Store.Instances.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "LastUpdatedTime", "RuntimeStatus", "ExecutionId"], cancellationToken: cancellationToken))
        {
            string id = row.PartitionKey;
            if (!hub.Partitions.Owns(hub.PartitionOf(id)) || !hub.HoldsNothingOf(id))
            {
                continue;
            }

            var updated = row.GetDateTimeOffset("LastUpdatedTime") ?? default;
            seen[id] = updated;
            if (inOrder.TryGetValue(id, out var checkedAt) && checkedAt == updated)
            {
                stillInOrder[id] = updated;
            }
            else if (suspects.TryGetValue(id, out var before) && before == updated && await InspectAsync(id, row.GetString("ExecutionId"), cancellationToken))
            {
                stillInOrder[id] = updated;
            }
        }

        suspects = seen;
        inOrder = stillInOrder;
    }

    /// <summary>Re-drives the instance if storage shows why it is stuck; true when it is in order and need not be looked at again until it changes.</summary>
    private async Task<bool> InspectAsync(string instanceId, string? viewExecutionId, CancellationToken cancellationToken)
    {
        var loaded = await hub.Store.LoadAsync(instanceId, cancellationToken);
        if (!hub.HoldsNothingOf(instanceId))
        {
            return false; // it woke up meanwhile
        }

        if (loaded is null || loaded.State.IsAwaitingStart || (loaded.State.IsTerminal && viewExecutionId != loaded.State.ExecutionId))
        {
            // Never started, or started again after it finished (the view already names the new execution).
            if (await hub.ResendStartAsync(instanceId, cancellationToken))
            {
                Report(instanceId, "its start was never processed; start message sent again");
            }

            return false;
        }

        var state = loaded.State;
        if (state.IsTerminal)
        {
            // Only the view lags behind (its write failed): rewrite it.
            await hub.ProjectAsync(state, cancellationToken);
            return false;
        }

        if (loaded.Outbox.Count > 0)
        {
            hub.Redrive(instanceId);
            Report(instanceId, $"{loaded.Outbox.Count} outbox row(s) never carried out; re-dispatched");
            return false;
        }

        if (state.Status != OrchestrationRuntimeStatus.Running)
        {
            return true;
        }

        var open = OpenWork.From(loaded.History);
        int partition = hub.PartitionOf(instanceId);
        var missingTimers = new List<(int TimerId, DateTime FireAt, string MessageId)>();
        foreach (var (timerId, fireAt) in open.Timers.Where(t => t.FireAt == state.NextTimerDueAt))
        {
            string messageId = $"{instanceId}|{state.ExecutionId}|timer|{timerId}";
            if (!await hub.Store.HasTimerRowAsync(partition, fireAt, messageId, cancellationToken))
            {
                missingTimers.Add((timerId, fireAt, messageId));
            }
        }

        foreach (var (timerId, fireAt, messageId) in missingTimers)
        {
            await hub.ScheduleTimerAsync(fireAt, new TaskMessage(messageId, instanceId, new TimerFiredEvent(timerId, fireAt), state.ExecutionId), cancellationToken);
        }

        bool activitiesRedriven = open.Activities.Count > 0 && !await hub.Store.AnyWorkItemsAsync(cancellationToken);
        if (activitiesRedriven)
        {
            foreach (var (taskId, name, input) in open.Activities)
            {
                await hub.Store.WorkItems.SendMessageAsync(await hub.Store.ToQueueTextAsync(new ActivityRequest(instanceId, state.ExecutionId, taskId, name, input) { Version = state.Version }), null, TimeSpan.FromSeconds(-1), cancellationToken);
            }
        }

        if (missingTimers.Count > 0 || activitiesRedriven)
        {
            Report(instanceId, string.Join("; ", new[]
            {
                missingTimers.Count > 0 ? $"{missingTimers.Count} awaited timer(s) had no timer row and were re-created" : null,
                activitiesRedriven ? $"{open.Activities.Count} activit(ies) without a result and no work item queued were scheduled again" : null,
            }.OfType<string>()));
        }

        // Open activities depend on the work-item queue, which changes without the view changing: look again next time.
        return missingTimers.Count == 0 && open.Activities.Count == 0;
    }

    private void Report(string instanceId, string cause)
    {
        Interlocked.Increment(ref redriven);
        Redriven.Add(1);
        logger.LogWarning("Recovery sweep: instance {InstanceId} was unfinished with nothing pending ({Cause}).", instanceId, cause);
    }
}
