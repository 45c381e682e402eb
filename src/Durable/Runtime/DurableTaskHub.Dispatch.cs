using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Durable;

public sealed partial class DurableTaskHub
{
    /// <summary>Activities waiting here for a local slot.</summary>
    private int activityBacklog;

    /// <summary>
    /// Carries out committed outbox entries. Activities run here when a slot is free (their row stays until the
    /// result is committed), else go to the shared work-item queue; timers become timer rows; messages go to the
    /// target's control queue. Dispatched rows are deleted with the next commit or when the instance goes quiet.
    /// </summary>
    private async Task DispatchAsync(InstanceSession session, IReadOnlyList<OutboxEntry> entries, CancellationToken token)
    {
        foreach (var entry in entries)
        {
            if (crashed)
            {
                return;
            }

            switch (entry.Item)
            {
                case ActivityOutboxItem { Request: var request }:
                    // Run here when a slot is free or the local backlog is short (the outbox row and the held trigger
                    // make it durable); beyond that, hand it to the shared work-item queue so other hosts can help.
                    bool slot = activitySlots.Wait(0);
                    if (slot || Interlocked.Increment(ref activityBacklog) <= Options.MaxConcurrentActivityFunctions * 10)
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
                        await Store.WorkItems.SendMessageAsync(await Store.ToQueueTextAsync(request), null, TimeSpan.FromSeconds(-1), token);
                        session.DispatchedRows.Add(entry.RowKey);
                    }

                    break;
                case TimerOutboxItem timer:
                    await ScheduleTimerAsync(timer.FireAt, timer.Message, token);
                    session.DispatchedRows.Add(entry.RowKey);
                    break;
                case MessageOutboxItem { Message: var message }:
                    await SendAsync(message, token);
                    session.DispatchedRows.Add(entry.RowKey);
                    break;
            }
        }
    }

    private async Task RunLocalActivityAsync(InstanceSession session, ActivityRequest request, bool hasSlot)
    {
        if (!hasSlot)
        {
            try
            {
                await activitySlots.WaitAsync(stopping.Token);
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
            result = await ExecuteActivityAsync(request, attempt: 1);
        }
        finally
        {
            activitySlots.Release();
        }

        try
        {
            Options.FaultInjector?.At(FaultPoint.AfterActivity, request.InstanceId);
        }
        catch (Exception) when (crashed)
        {
            return;
        }

        try
        {
            Options.FaultInjector?.At(FaultPoint.BeforeResultHandOff, request.InstanceId);
        }
        catch (Exception) when (crashed)
        {
            return;
        }

        // The activity stops counting as running only as its result enters the mailbox (one lock): in between, the
        // instance would look quiescent and its triggers would be deleted while the result was only in memory.
        bool start = false;
        lock (session.Gate)
        {
            session.ActivitiesInFlight--;
            if (crashed || session.Abandoned)
            {
                return;
            }

            session.Inbox.Add(result);
            if (!session.Running)
            {
                session.Running = true;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(() => ProcessSessionAsync(session));
        }
    }

    private WorkerDiagnostics? diagnostics;

    /// <summary>Worker lifecycle logs and failure details (with the registered exception properties provider).</summary>
    internal WorkerDiagnostics Diagnostics => diagnostics ??= WorkerDiagnostics.From(Services);

    /// <summary>Runs an activity and turns its outcome into the result message for its orchestration.</summary>
    private async Task<TaskMessage> ExecuteActivityAsync(ActivityRequest request, int attempt)
    {
        HistoryEvent outcome;
        await using var scope = Services.CreateAsyncScope();
        if (!Registry.TryCreateActivity(request.Name, scope.ServiceProvider, out var activity))
        {
            outcome = new TaskFailedEvent(request.TaskId, new TaskFailureDetails("ActivityNotFound", $"Activity '{request.Name}' is not registered on this host."));
        }
        else
        {
            try
            {
                object? input = DurableJson.Deserialize(request.Input, activity!.InputType);
                var context = new RuntimeActivityContext(request.Name, request.InstanceId, request.TaskId, attempt, request.Version);
                Diagnostics.ActivityStarted(request.InstanceId, request.Name);
                object? output = await activity.RunAsync(context, input);
                outcome = new TaskCompletedEvent(request.TaskId, DurableJson.Serialize(output));
                Diagnostics.ActivityCompleted(request.InstanceId, request.Name);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Activity {Activity} of instance {InstanceId} failed.", request.Name, request.InstanceId);
                Diagnostics.ActivityFailed(ex, request.InstanceId, request.Name);
                outcome = new TaskFailedEvent(request.TaskId, Diagnostics.Describe(ex));
            }
        }

        return new TaskMessage(request.MessageId + "|result", request.InstanceId, outcome with { Timestamp = UtcNow }, request.ExecutionId);
    }

    /// <summary>Runs activities from the shared work-item queue (overflow of busy hosts, and redeliveries).</summary>
    private async Task WorkItemLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = new PollingBackoff(Options.MaxQueuePollingInterval);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                int free = activitySlots.CurrentCount;
                if (free == 0)
                {
                    await backoff.WaitAsync(cancellationToken);
                    continue;
                }

                var received = await Store.WorkItems.ReceiveMessagesAsync(Math.Min(free, 32), Options.MessageVisibilityTimeout, cancellationToken);
                if (received.Value.Length == 0)
                {
                    await backoff.WaitAsync(cancellationToken);
                    continue;
                }

                backoff.Reset();
                foreach (var raw in received.Value)
                {
                    await activitySlots.WaitAsync(cancellationToken);
                    _ = Task.Run(async () =>
                    {
                        var trigger = new QueueMessageTrigger(Store.WorkItems, raw.MessageId, raw.PopReceipt);
                        try
                        {
                            ActivityRequest request;
                            try
                            {
                                request = await Store.ParseActivityTextAsync(raw.MessageText);
                            }
                            catch (Exception ex)
                            {
                                await Store.RecordPoisonAsync("", raw.MessageId, "activity", raw.MessageText, "Unreadable work item: " + ex.Message, UtcNow, cancellationToken);
                                await trigger.CompleteAsync(cancellationToken);
                                return;
                            }

                            TaskMessage result;
                            if (raw.DequeueCount > Options.MaxDequeueCount)
                            {
                                string reason = $"Activity '{request.Name}' work item failed processing {raw.DequeueCount - 1} times.";
                                await Store.RecordPoisonAsync(request.InstanceId, request.MessageId, "activity", raw.MessageText, reason, UtcNow, cancellationToken);
                                result = new TaskMessage(request.MessageId + "|result", request.InstanceId,
                                    new TaskFailedEvent(request.TaskId, new TaskFailureDetails("PoisonMessage", reason)) { Timestamp = UtcNow }, request.ExecutionId);
                            }
                            else
                            {
                                // Held invisible while the activity runs, as control messages are: another host runs it
                                // again only after this one stopped renewing (died).
                                using var running = new CancellationTokenSource();
                                var renewing = KeepInvisibleAsync(trigger, running.Token);
                                try
                                {
                                    result = await ExecuteActivityAsync(request, (int)raw.DequeueCount);
                                }
                                finally
                                {
                                    running.Cancel();
                                    await renewing;
                                }
                            }

                            await SendAsync(result, cancellationToken);
                            await trigger.CompleteAsync(cancellationToken);
                        }
                        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                        {
                            logger.LogWarning(ex, "Work item {MessageId} failed; it will be redelivered.", raw.MessageId);
                        }
                        finally
                        {
                            activitySlots.Release();
                        }
                    }, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Receiving work items failed; retrying.");
                await backoff.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Renews a held work item every half visibility period until cancelled.</summary>
    private async Task KeepInvisibleAsync(QueueMessageTrigger trigger, CancellationToken cancellationToken)
    {
        TimeSpan visibility = Options.MessageVisibilityTimeout;
        while (true)
        {
            try
            {
                await Task.Delay(visibility / 2, cancellationToken);
                await trigger.RenewAsync(visibility, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Could not extend work item {MessageId}: {Error}", trigger.MessageId, ex.ErrorCode);
            }
        }
    }

    // ---- the Instances projection --------------------------------------------------------------------------

    /// <summary>Writes the instance's row of the query view (its tags are columns of it, so no other index is written).</summary>
    internal Task ProjectAsync(InstanceState state, CancellationToken token)
        => Store.Instances.UpsertEntityAsync(InstanceEntity.From(state), TableUpdateMode.Replace, token);
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

/// <summary>Mapping between <see cref="InstanceState"/> and a row of the Instances table (the query projection).</summary>
internal static class InstanceEntity
{
    public static TableEntity From(InstanceState s)
    {
        var row = Row(s);
        foreach (var (key, value) in s.Tags)
        {
            row[InstanceTags.ColumnName(key)] = value; // searchable server-side, see InstanceTags
        }

        return row;
    }

    private static TableEntity Row(InstanceState s) => new(s.InstanceId, string.Empty)
    {
        ["Name"] = s.Name,
        ["Version"] = s.Version,
        ["RuntimeStatus"] = s.Status.ToString(),
        ["CreatedTime"] = Utc(s.CreatedAt),
        ["LastUpdatedTime"] = Utc(s.LastUpdatedAt),
        ["CompletedTime"] = s.CompletedAt is { } c ? Utc(c) : null,
        ["ScheduledStartTime"] = s.ScheduledStartAt is { } st ? Utc(st) : null,
        ["ExecutionId"] = s.ExecutionId,
        ["Generation"] = s.Generation,
        ["ParentInstanceId"] = s.Parent?.InstanceId,
        ["Input"] = s.Input,
        ["Output"] = s.Output,
        ["CustomStatus"] = s.CustomStatus,
        ["FailureDetails"] = s.Failure is null ? null : JsonSerializer.Serialize(s.Failure, DurableJson.Options),
        ["Tags"] = JsonSerializer.Serialize(s.Tags, DurableJson.Options),
        ["WaitingForEvents"] = JsonSerializer.Serialize(s.WaitingForEvents, DurableJson.Options),
        ["NextTimerDueAt"] = s.NextTimerDueAt is { } t ? Utc(t) : null,
        ["HistoryEventCount"] = s.HistoryCount,
    };

    public static OrchestrationMetadata ToMetadata(TableEntity e, bool includePayloads) => new(e.GetString("Name") ?? string.Empty, e.PartitionKey)
    {
        RuntimeStatus = Enum.TryParse<OrchestrationRuntimeStatus>(e.GetString("RuntimeStatus"), out var status) ? status : OrchestrationRuntimeStatus.Pending,
        CreatedAt = e.GetDateTimeOffset("CreatedTime") ?? default,
        LastUpdatedAt = e.GetDateTimeOffset("LastUpdatedTime") ?? default,
        CompletedAt = e.GetDateTimeOffset("CompletedTime"),
        ScheduledStartAt = e.GetDateTimeOffset("ScheduledStartTime"),
        Version = e.GetString("Version") ?? string.Empty,
        ExecutionId = e.GetString("ExecutionId"),
        Generation = e.GetInt32("Generation") ?? 0,
        ParentInstanceId = e.GetString("ParentInstanceId"),
        SerializedInput = includePayloads ? e.GetString("Input") : null,
        SerializedOutput = includePayloads ? e.GetString("Output") : null,
        SerializedCustomStatus = e.GetString("CustomStatus"),
        FailureDetails = e.GetString("FailureDetails") is { } f ? JsonSerializer.Deserialize<TaskFailureDetails>(f, DurableJson.Options) : null,
        Tags = e.GetString("Tags") is { } t ? JsonSerializer.Deserialize<Dictionary<string, string>>(t, DurableJson.Options)! : new Dictionary<string, string>(),
        WaitingForEvents = e.GetString("WaitingForEvents") is { } w ? JsonSerializer.Deserialize<List<string>>(w, DurableJson.Options)! : [],
        NextTimerDueAt = e.GetDateTimeOffset("NextTimerDueAt"),
        HistoryEventCount = e.GetInt32("HistoryEventCount") ?? 0,
    };

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
