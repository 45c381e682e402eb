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
/// re-drive sends ids the instance already knows, so a false alarm costs a duplicate message that is dropped.
/// </summary>
internal sealed class RecoverySweep(DurableTaskHub hub, ILogger logger)
{
    private static readonly Meter Meter = new("Governance.Durable");
    private static readonly Counter<long> Redriven = Meter.CreateCounter<long>("durable.recovery.redriven", description: "Unfinished instances found with nothing pending and re-driven");
    private static readonly string[] Unfinished = [nameof(OrchestrationRuntimeStatus.Running), nameof(OrchestrationRuntimeStatus.Pending), nameof(OrchestrationRuntimeStatus.ContinuedAsNew)];
    private Dictionary<string, DateTimeOffset> suspects = new(StringComparer.Ordinal);
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
        await foreach (var row in hub.Store.Instances.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "LastUpdatedTime", "RuntimeStatus"], cancellationToken: cancellationToken))
        {
            string id = row.PartitionKey;
            if (!hub.Partitions.Owns(hub.PartitionOf(id)) || !hub.HoldsNothingOf(id))
            {
                continue;
            }

            var updated = row.GetDateTimeOffset("LastUpdatedTime") ?? default;
            seen[id] = updated;
            if (suspects.TryGetValue(id, out var before) && before == updated)
            {
                await InspectAsync(id, cancellationToken);
            }
        }

        suspects = seen;
    }

    private async Task InspectAsync(string instanceId, CancellationToken cancellationToken)
    {
        var loaded = await hub.Store.LoadAsync(instanceId, cancellationToken);
        if (!hub.HoldsNothingOf(instanceId))
        {
            return;
        }

        if (loaded is null || loaded.State.IsAwaitingStart)
        {
            if (await hub.ResendStartAsync(instanceId, cancellationToken))
            {
                Report(instanceId, "its start was never processed; start message sent again");
            }

            return;
        }

        var state = loaded.State;
        if (state.IsTerminal)
        {
            // Only the view lags behind (its write failed): rewrite it.
            await hub.ProjectAsync(state, writeTags: false, cancellationToken);
            return;
        }

        if (loaded.Outbox.Count > 0)
        {
            hub.Redrive(instanceId);
            Report(instanceId, $"{loaded.Outbox.Count} outbox row(s) never carried out; re-dispatched");
            return;
        }

        if (state.Status != OrchestrationRuntimeStatus.Running)
        {
            return;
        }

        var open = OpenWork.From(loaded.History);
        var awaitedTimers = open.Timers.Where(t => t.FireAt == state.NextTimerDueAt).ToList();
        if (awaitedTimers.Count > 0 && !await hub.Store.HasTimerRowsAsync(hub.PartitionOf(instanceId), instanceId, cancellationToken))
        {
            foreach (var (timerId, fireAt) in awaitedTimers)
            {
                await hub.ScheduleTimerAsync(fireAt, new TaskMessage($"{instanceId}|{state.ExecutionId}|timer|{timerId}", instanceId, new TimerFiredEvent(timerId, fireAt), state.ExecutionId), cancellationToken);
            }

            Report(instanceId, $"awaited timer(s) had no timer row; {awaitedTimers.Count} re-created");
        }

        if (open.Activities.Count > 0 && !await hub.Store.AnyWorkItemsAsync(cancellationToken))
        {
            foreach (var (taskId, name, input) in open.Activities)
            {
                await hub.Store.WorkItems.SendMessageAsync(await hub.Store.ToQueueTextAsync(new ActivityRequest(instanceId, state.ExecutionId, taskId, name, input)), null, TimeSpan.FromSeconds(-1), cancellationToken);
            }

            Report(instanceId, $"{open.Activities.Count} activit(ies) without a result and no work item queued; scheduled again");
        }
    }

    private void Report(string instanceId, string cause)
    {
        Interlocked.Increment(ref redriven);
        Redriven.Add(1);
        logger.LogWarning("Recovery sweep: instance {InstanceId} was unfinished with nothing pending ({Cause}).", instanceId, cause);
    }
}
