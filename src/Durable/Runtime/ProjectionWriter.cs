using Azure;
using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Writes instances' rows of the Instances table, the query view (their tags are columns of it, so no other index is
/// written). While an instance is busy only its newest state is written, in the background.
/// </summary>
internal sealed class ProjectionWriter(TaskHubStore store, ILogger logger)
{
    public Task ProjectAsync(InstanceState state, CancellationToken token)
        => store.Instances.UpsertEntityAsync(InstanceEntity.From(state), TableUpdateMode.Replace, token);

    /// <summary>
    /// Rewrites the view of a state loaded from storage when it may lag behind (a host died between a step's commit and
    /// its view). The view is left alone when it already names another execution: a finished instance started again
    /// by a client, whose new start is still on its way, and not written when it is gone (the instance was purged).
    /// </summary>
    public async Task RepairAsync(InstanceState state, CancellationToken token)
    {
        var row = await store.Instances.GetEntityIfExistsAsync<TableEntity>(state.InstanceId, string.Empty, ["ExecutionId"], token);
        try
        {
            // No view means a purge (a client or a parent writes the view before the start is sent): never recreate it.
            if (row.HasValue && row.Value!.GetString("ExecutionId") == state.ExecutionId)
            {
                await store.Instances.UpdateEntityAsync(InstanceEntity.From(state), row.Value.ETag, TableUpdateMode.Replace, token);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Someone wrote the view meanwhile: a client's new start, which wins.
        }
    }

    /// <summary>
    /// Writes the Pending row of a sub-orchestration before its start message is sent, so that the child is visible
    /// (to queries, and to a recursive terminate of its parent) while its start waits in the queue. An existing row is
    /// left alone: it is the child's own (a start dispatched again after a crash) or a finished instance's.
    /// </summary>
    public async Task AddPendingChildAsync(TaskMessage startMessage, CancellationToken token)
    {
        if (startMessage.Event is not ExecutionStartedEvent { Parent: not null } start)
        {
            return;
        }

        var state = new InstanceState
        {
            InstanceId = startMessage.InstanceId,
            Name = start.Name,
            Version = start.Version,
            Status = OrchestrationRuntimeStatus.Pending,
            ExecutionId = start.ExecutionId,
            CreatedAt = start.Timestamp,
            LastUpdatedAt = start.Timestamp,
            Input = await store.OffloadAsync(startMessage.InstanceId, start.Input),
            Tags = start.Tags is null ? new() : new Dictionary<string, string>(start.Tags),
            Parent = start.Parent,
        };
        try
        {
            await store.Instances.AddEntityAsync(InstanceEntity.From(state), token);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    /// <summary>Queues <paramref name="state"/> as the session's newest projection and makes sure the writer loop runs.</summary>
    public void Enqueue(InstanceSession session, InstanceState state, CancellationToken token)
    {
        lock (session.Gate)
        {
            session.PendingProjection = state.Clone();
            if (!session.ProjectionRunning)
            {
                session.ProjectionRunning = true;
                session.Projection = ProjectLatestAsync(session, token);
            }
        }
    }

    /// <summary>Whether a step's new state changes anything callers filter on (status, custom status, awaited events, next timer, generation).</summary>
    public static bool ChangesProjection(InstanceState before, InstanceState after) =>
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
}
