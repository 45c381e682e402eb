using Azure;
using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Governance.Durable.Submissions;

namespace Governance.Durable;

/// <summary>The <see cref="DurableTaskClient"/> of a task hub on Azure Storage.</summary>
internal sealed class AzureStorageDurableTaskClient : DurableTaskClient
{
    private static readonly OrchestrationRuntimeStatus[] FinishedStatuses =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated, OrchestrationRuntimeStatus.Canceled];

    private readonly DurableTaskHub hub;
    private readonly string? actor;

    public AzureStorageDurableTaskClient(DurableTaskHub hub, string? actor = null)
        : base(hub.HubName)
    {
        this.hub = hub;
        this.actor = actor;
    }

    public override string? Actor => actor;

    private TaskHubStore Store => hub.Store;

    public override DurableTaskClient WithActor(string? actor) => new AzureStorageDurableTaskClient(hub, actor);

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        await hub.EnsureStorageAsync(cancellation);
        string instanceId;
        PendingStart? pending;
        await hub.StartGate.WaitAsync(cancellation);
        try
        {
            (instanceId, pending) = await CreateAsync(orchestratorName, input, options, cancellation);
        }
        finally
        {
            hub.StartGate.Release();
        }

        if (pending is { } start)
        {
            // Outside the gate: the start shares a queue message with the others waiting for its control queue (one
            // send at a time per queue, so waiting holds no connection), and the gate admits further starts meanwhile.
            await hub.SendStartAsync(start.Message, start.NewInstance, cancellation);
        }

        return instanceId;
    }

    /// <summary>A start message still to be sent (small enough to share a queue message), and whether the instance is new.</summary>
    private sealed record PendingStart(TaskMessage Message, bool NewInstance);

    /// <summary>Input this long or longer is sent within the start gate, alone: its message may need a blob.</summary>
    private const int MaxSharedStartInputChars = 8_000;

    /// <summary>Writes the instance row (and a scheduled start's timer row, or a large start's message); returns a small start's message to send.</summary>
    private async Task<(string InstanceId, PendingStart? Start)> CreateAsync(TaskName orchestratorName, object? input, StartOrchestrationOptions? options, CancellationToken cancellation)
    {
        string instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIds.EnsureValid(instanceId);
        if (string.IsNullOrWhiteSpace(orchestratorName.Name))
        {
            throw new ArgumentException("The orchestrator name must not be empty.", nameof(orchestratorName));
        }

        DateTime now = hub.UtcNow;
        string executionId = Guid.NewGuid().ToString("N");
        string version = options?.Version ?? hub.Options.DefaultVersion;
        var tags = new Dictionary<string, string>(options?.Tags ?? new Dictionary<string, string>());
        if (InstanceTags.Validate(tags) is { } badTag)
        {
            // Refused before anything is written: a start is all or nothing.
            throw new ArgumentException(badTag.Reason, nameof(options));
        }

        DateTime? startAt = options?.StartAt is { } s && s.UtcDateTime > now ? s.UtcDateTime : null;
        // The Instances row may keep a blob reference to a large input; the start event carries the input itself
        // (its message and history row are offloaded as a whole when large), so the orchestrator never sees a reference.
        string? serializedInput = DurableJson.Serialize(input);
        string? storedInput = await Store.OffloadAsync(instanceId, serializedInput);
        var state = new InstanceState
        {
            InstanceId = instanceId,
            Name = orchestratorName.Name,
            Version = version,
            Status = OrchestrationRuntimeStatus.Pending,
            ExecutionId = executionId,
            CreatedAt = now,
            LastUpdatedAt = now,
            ScheduledStartAt = startAt,
            Input = storedInput,
            Tags = tags,
        };

        var entity = InstanceEntity.From(state);
        bool created = true;
        try
        {
            await Store.Instances.AddEntityAsync(entity, cancellation);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The id is taken: a finished instance may be started again (its earlier history is kept), a live one not.
            created = false;
            var existing = await Store.Instances.GetEntityAsync<TableEntity>(instanceId, string.Empty, cancellationToken: cancellation);
            var metadata = InstanceEntity.ToMetadata(existing.Value, false);
            if (!metadata.IsCompleted)
            {
                throw new OrchestrationAlreadyExistsException(instanceId, metadata.RuntimeStatus);
            }

            try
            {
                await Store.Instances.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellation);
            }
            catch (RequestFailedException race) when (race.Status == 412)
            {
                throw new OrchestrationAlreadyExistsException(instanceId, OrchestrationRuntimeStatus.Pending);
            }
        }

        var message = new TaskMessage(
            $"{instanceId}|{executionId}|start",
            instanceId,
            new ExecutionStartedEvent(orchestratorName.Name, version, serializedInput, executionId, 0, null, tags, startAt) { Timestamp = now, Actor = actor });
        if (startAt is { } due)
        {
            await hub.ScheduleTimerAsync(due, message, cancellation);
            return (instanceId, null);
        }

        if (serializedInput?.Length >= MaxSharedStartInputChars)
        {
            await hub.SendAsync(message, cancellation, newInstance: created);
            return (instanceId, null);
        }

        return (instanceId, new PendingStart(message, created));
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        if (string.IsNullOrWhiteSpace(eventName))
        {
            throw new ArgumentException("The event name must not be empty.", nameof(eventName));
        }

        return SendAsync(instanceId, new EventRaisedEvent(eventName, DurableJson.Serialize(eventPayload)), cancellation);
    }

    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        // The output is the instance's output, serialised as JSON like any other; the reason shown in the history is
        // the text itself when the output is text. A recursive terminate is carried by the instance's own step, which
        // sends it on to every sub-orchestration its history shows without an outcome (StepPlanner).
        string? output = DurableJson.Serialize(options?.Output);
        string? reason = options?.Output as string ?? output;
        await SendAsync(instanceId, new ExecutionTerminatedEvent(reason) { Output = output, Recursive = options?.Recursive == true }, cancellation);
    }

    public override async Task<SubmissionOutcome> SubmitAsync(
        string instanceId, string eventName, object? payload, SubmitOptions? options = null, CancellationToken cancellation = default)
    {
        InstanceIds.EnsureValid(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        options ??= new SubmitOptions();
        string submissionId = options.SubmissionId ?? Guid.NewGuid().ToString("N");
        SubmissionIds.EnsureValid(submissionId);
        await hub.EnsureStorageAsync(cancellation);

        var metadata = await GetInstanceAsync(instanceId, false, cancellation) ?? throw new OrchestrationNotFoundException(instanceId);
        string? body = DurableJson.Serialize(payload);
        string hash = SubmissionRecord.HashOf(eventName, options.StepToken, body);
        var submissions = hub.SubmissionStore;
        if (metadata.IsCompleted)
        {
            // A finished instance records nothing more: answer from an earlier decision of this id, else refuse, writing nothing.
            var earlier = await submissions.ReadAsync(instanceId, submissionId, cancellation);
            return earlier is { IsDecidedRecord: true } && earlier.BodyHash == hash
                ? earlier.ToOutcome(instanceId, metadata.RuntimeStatus)
                : new SubmissionOutcome(instanceId, submissionId, eventName, SubmissionStatus.NotAwaited, new SubmissionDecision(SubmissionStatus.NotAwaited,
                    MessageEn: $"The instance is {metadata.RuntimeStatus} and takes no submissions.", MessageZh: $"流程已结束（{metadata.RuntimeStatus}），不再受理提交。"),
                    actor, null, metadata.RuntimeStatus);
        }

        var record = new SubmissionRecord(submissionId, eventName, hash, actor, hub.UtcNow, null, null);
        while (!await submissions.TryInsertPendingAsync(instanceId, record, cancellation))
        {
            if (await submissions.ReadWithETagAsync(instanceId, submissionId, cancellation) is not var (existing, etag))
            {
                continue; // purged meanwhile: claim it again
            }

            if (existing.BodyHash != hash)
            {
                return new SubmissionOutcome(instanceId, submissionId, eventName, SubmissionStatus.IdempotencyConflict, new SubmissionDecision(
                    SubmissionStatus.IdempotencyConflict,
                    MessageEn: $"Submission id '{submissionId}' was used before for another submission ('{existing.EventName}' with a different body).",
                    MessageZh: $"提交编号“{submissionId}”已用于另一份提交（“{existing.EventName}”，内容不同）。"), actor, null, metadata.RuntimeStatus);
            }

            if (existing.IsFinal)
            {
                return existing.ToOutcome(instanceId, metadata.RuntimeStatus);
            }

            if (!existing.IsDecidedRecord)
            {
                // In flight (or its sender died before sending): send the same attempt again; the instance drops a duplicate.
                record = existing;
                break;
            }

            // Refused before: the same submission may be tried again under its id.
            var retry = existing with { Decision = null, DecidedAt = null, Attempt = existing.Attempt + 1, Actor = actor, ReceivedAt = hub.UtcNow };
            if (await submissions.TryRestartAsync(instanceId, retry, etag, cancellation))
            {
                record = retry;
                break;
            }
        }

        var watch = hub.SubmissionWatchers.WaitAsync(instanceId, submissionId, options.WaitFor, cancellation);
        var message = new TaskMessage(record.MessageId(instanceId), instanceId,
            new SubmissionEvent(eventName, body, submissionId, options.StepToken, hash) { Timestamp = record.ReceivedAt, Actor = record.Actor, Attempt = record.Attempt });
        await hub.SendAsync(message, cancellation);
        var decided = await WaitForDecisionAsync(instanceId, submissionId, record.Attempt, watch, options.WaitFor, cancellation);
        return decided?.ToOutcome(instanceId) ?? record.ToOutcome(instanceId, metadata.RuntimeStatus);
    }

    /// <summary>
    /// The decision arrives in memory when this host owns the instance; otherwise its row is read again when the
    /// owner signals a step of the instance (see <see cref="DurableTaskHub.WatchElsewhere"/>) and polled with backoff.
    /// </summary>
    private async Task<SubmissionRecord?> WaitForDecisionAsync(string instanceId, string submissionId, int attempt, Task<SubmissionRecord?> watch, TimeSpan waitFor, CancellationToken cancellation)
    {
        // Real time, not the hub's clock: this bounds how long a caller waits, whatever the simulated time does.
        var deadline = DateTime.UtcNow + waitFor;
        var delay = TimeSpan.FromMilliseconds(20);
        for (var remaining = waitFor; remaining > TimeSpan.Zero; remaining = deadline - DateTime.UtcNow)
        {
            var poll = hub.WaitForChangeAsync(instanceId, remaining < delay ? remaining : delay, cancellation);
            _ = hub.WatchElsewhere(instanceId);
            if (await Task.WhenAny(watch, poll) == watch)
            {
                if (await watch is { } local && local.Attempt >= attempt)
                {
                    return local;
                }

                watch = NeverDecided; // a finished watch must not turn the polling into a busy loop
                await poll;
            }

            cancellation.ThrowIfCancellationRequested();
            if (await hub.SubmissionStore.ReadAsync(instanceId, submissionId, cancellation) is { IsDecidedRecord: true } stored && stored.Attempt >= attempt)
            {
                return stored;
            }

            if (await poll is null)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
            }
        }

        return null;
    }

    private static readonly Task<SubmissionRecord?> NeverDecided = new TaskCompletionSource<SubmissionRecord?>().Task;

    public override async Task<SubmissionOutcome?> GetSubmissionAsync(string instanceId, string submissionId, CancellationToken cancellation = default)
    {
        if (InstanceIds.Validate(instanceId) is not null || SubmissionIds.Validate(submissionId) is not null)
        {
            return null;
        }

        await hub.EnsureStorageAsync(cancellation);
        return (await hub.SubmissionStore.ReadAsync(instanceId, submissionId, cancellation))?.ToOutcome(instanceId);
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
        => SendAsync(instanceId, new ExecutionSuspendedEvent(reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
        => SendAsync(instanceId, new ExecutionResumedEvent(reason), cancellation);

    /// <summary>Sends an event or lifecycle change to an instance that exists and has not finished (else throws, as DF answers 404/410).</summary>
    private async Task SendAsync(string instanceId, HistoryEvent e, CancellationToken cancellation)
    {
        InstanceIds.EnsureValid(instanceId);
        await hub.EnsureStorageAsync(cancellation);
        var row = await Store.Instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty, ["RuntimeStatus"], cancellation);
        if (!row.HasValue)
        {
            throw new OrchestrationNotFoundException(instanceId);
        }

        if (Enum.TryParse<OrchestrationRuntimeStatus>(row.Value!.GetString("RuntimeStatus"), out var status) && FinishedStatuses.Contains(status))
        {
            throw new OrchestrationFinishedException(instanceId, status);
        }

        string messageId = Guid.NewGuid().ToString("N");
        await hub.SendAsync(new TaskMessage(messageId, instanceId, e with { Timestamp = hub.UtcNow, Actor = actor }), cancellation);
    }

    public override async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        if (InstanceIds.Validate(instanceId) is not null)
        {
            return null;
        }

        await hub.EnsureStorageAsync(cancellation);
        var row = await Store.Instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty, cancellationToken: cancellation);
        return row.HasValue ? await ToMetadataAsync(row.Value!, getInputsAndOutputs) : null;
    }

    private Task<OrchestrationMetadata> ToMetadataAsync(TableEntity row, bool includePayloads)
        => ResolvePayloadsAsync(InstanceEntity.ToMetadata(row, includePayloads));

    private async Task<OrchestrationMetadata> ResolvePayloadsAsync(OrchestrationMetadata metadata)
    {
        return metadata with
        {
            SerializedInput = await Store.ResolveAsync(metadata.SerializedInput),
            SerializedOutput = await Store.ResolveAsync(metadata.SerializedOutput),
            SerializedCustomStatus = await Store.ResolveAsync(metadata.SerializedCustomStatus),
        };
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
        => new InstancePageable(this, filter ?? new OrchestrationQuery());

    public override async Task<IReadOnlyDictionary<OrchestrationRuntimeStatus, int>> CountInstancesAsync(OrchestrationQuery? filter = null, CancellationToken cancellation = default)
    {
        var counts = new Dictionary<OrchestrationRuntimeStatus, int>();
        var query = (filter ?? new OrchestrationQuery()) with { PageSize = 1000, FetchInputsAndOutputs = false, ContinuationToken = null };
        await foreach (var instance in GetAllInstancesAsync(query).WithCancellation(cancellation))
        {
            counts[instance.RuntimeStatus] = counts.GetValueOrDefault(instance.RuntimeStatus) + 1;
        }

        return counts;
    }

    public override async Task<IReadOnlyList<HistoryEvent>> GetInstanceHistoryAsync(string instanceId, string? executionId = null, CancellationToken cancellation = default)
    {
        if (InstanceIds.Validate(instanceId) is not null)
        {
            return [];
        }

        await hub.EnsureStorageAsync(cancellation);
        var cache = hub.HistoryCache;
        if (executionId is null && cache.HoldsAnyOf(instanceId))
        {
            // The view names the current execution; finished, its history is the cached one. (With none of the
            // instance's executions cached, the read goes straight to storage: one request, not two in a row.)
            var view = await Store.Instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty, ["ExecutionId", "RuntimeStatus"], cancellation);
            if (view.HasValue && view.Value!.GetString("ExecutionId") is { } current
                && Enum.TryParse<OrchestrationRuntimeStatus>(view.Value.GetString("RuntimeStatus"), out var status) && FinishedStatuses.Contains(status)
                && cache.TryGet(instanceId, current, out var hit))
            {
                return hit.Events;
            }
        }
        else if (executionId is not null && cache.TryGet(instanceId, executionId, out var hit) && await Store.HoldsExecutionAsync(instanceId, hit.FirstRowKey, executionId, cancellation))
        {
            return hit.Events;
        }

        var read = await Store.ReadHistoryAsync(instanceId, executionId, cancellation);
        if (read is { Finished: true, ExecutionId: { } id, FirstRowKey: { } first })
        {
            cache.Add(instanceId, id, first, read.Events);
        }

        return read.Events;
    }

    public override async Task<IReadOnlyList<string>> GetExecutionIdsAsync(string instanceId, CancellationToken cancellation = default)
    {
        await hub.EnsureStorageAsync(cancellation);
        return await Store.ReadExecutionIdsAsync(instanceId, cancellation);
    }

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, m => m.IsCompleted, cancellation);

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, bool getInputsAndOutputs, Func<OrchestrationMetadata, bool> done, CancellationToken cancellation)
    {
        // A step committed on this host hands its state over at once; a step on another host is signalled by its
        // owner (asked before each read, so no change falls between); otherwise poll storage with a growing interval.
        TimeSpan delay = TimeSpan.FromMilliseconds(20);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var waitForChange = hub.WaitForChangeAsync(instanceId, delay, stopWatching.Token);
        _ = hub.WatchElsewhere(instanceId);
        var metadata = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation);
        while (true)
        {
            if (metadata is not null && done(metadata))
            {
                stopWatching.Cancel();
                return metadata;
            }

            var changed = await waitForChange;
            cancellation.ThrowIfCancellationRequested();
            waitForChange = hub.WaitForChangeAsync(instanceId, delay, stopWatching.Token);
            if (changed is not null && !ReferenceEquals(changed, Runtime.InstanceWatchers.ChangedElsewhere))
            {
                metadata = await ResolvePayloadsAsync(changed.ToMetadata(getInputsAndOutputs));
                continue;
            }

            if (changed is null)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }

            _ = hub.WatchElsewhere(instanceId);
            metadata = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation);
        }
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var metadata = await GetInstanceAsync(instanceId, false, cancellation);
        if (metadata is null || !metadata.IsCompleted)
        {
            return new PurgeResult(0);
        }

        // The audit trail outlives the purge (Audit/AuditTrail), which it records.
        bool keepTrail = await Audit.AuditTrail.RecordPurgeAsync(hub, instanceId, actor, cancellation);
        var keys = new List<string>();
        await foreach (var row in Store.History.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, select: ["RowKey"], cancellationToken: cancellation))
        {
            if (!keepTrail || !Audit.AuditTrail.IsTrailRow(row.RowKey))
            {
                keys.Add(row.RowKey);
            }
        }

        await Store.DeleteRowsAsync(instanceId, keys, cancellation);
        await foreach (var blob in Store.Payloads.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = instanceId + "/" }, cancellation))
        {
            await Store.Payloads.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellation);
        }

        await Store.Instances.DeleteEntityAsync(instanceId, string.Empty, ETag.All, cancellation);
        hub.Evict(instanceId);
        hub.HistoryCache.Evict(instanceId);
        return new PurgeResult(1);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var statuses = filter.Statuses?.ToList() is { Count: > 0 } given ? given.Intersect(FinishedStatuses).ToList() : FinishedStatuses.ToList();
        if (statuses.Count == 0)
        {
            // Only unfinished statuses were asked for: nothing may be purged (an empty list would mean "any status" to the query).
            return new PurgeResult(0);
        }

        var query = new OrchestrationQuery(filter.CreatedFrom, filter.CreatedTo, statuses, PageSize: 1000);
        var ids = new List<string>();
        await foreach (var instance in GetAllInstancesAsync(query).WithCancellation(cancellation))
        {
            ids.Add(instance.InstanceId);
        }

        int purged = 0;
        foreach (string id in ids)
        {
            purged += (await PurgeInstanceAsync(id, options, cancellation)).PurgedInstanceCount;
        }

        return new PurgeResult(purged);
    }

    /// <summary>Pages of instances matching a query: one server-side filtered query of the Instances table per page (tags are columns there).</summary>
    private sealed class InstancePageable(AzureStorageDurableTaskClient client, OrchestrationQuery query) : AsyncPageable<OrchestrationMetadata>
    {
        public override async IAsyncEnumerable<Page<OrchestrationMetadata>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            await client.hub.EnsureStorageAsync();
            int pageSize = Math.Clamp(pageSizeHint ?? query.PageSize, 1, 1000);
            string? token = continuationToken ?? query.ContinuationToken;
            string? filter = BuildFilter(query);
            await foreach (var page in client.Store.Instances.QueryAsync<TableEntity>(filter, pageSize).AsPages(token, pageSize))
            {
                var values = new List<OrchestrationMetadata>();
                foreach (var row in page.Values)
                {
                    values.Add(await client.ToMetadataAsync(row, query.FetchInputsAndOutputs));
                }

                yield return Page<OrchestrationMetadata>.FromValues(values, page.ContinuationToken, page.GetRawResponse());
            }
        }

        private static string? BuildFilter(OrchestrationQuery q)
        {
            var parts = new List<string>();
            if (q.Name is not null)
            {
                parts.Add(TableClient.CreateQueryFilter($"Name eq {q.Name}"));
            }

            if (q.Statuses?.Distinct().ToList() is { Count: > 0 } statuses)
            {
                parts.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"RuntimeStatus eq {s.ToString()}"))) + ")");
            }

            foreach (var (key, value) in q.Tags ?? new Dictionary<string, string>())
            {
                parts.Add(InstanceTags.ColumnName(key) + " eq " + TableClient.CreateQueryFilter($"{value}"));
            }

            if (q.CreatedFrom is { } from)
            {
                parts.Add(TableClient.CreateQueryFilter($"CreatedTime ge {from.UtcDateTime}"));
            }

            if (q.CreatedTo is { } to)
            {
                parts.Add(TableClient.CreateQueryFilter($"CreatedTime le {to.UtcDateTime}"));
            }

            if (!string.IsNullOrEmpty(q.InstanceIdPrefix))
            {
                parts.Add(TableClient.CreateQueryFilter($"PartitionKey ge {q.InstanceIdPrefix} and PartitionKey lt {NextPrefix(q.InstanceIdPrefix)}"));
            }

            if (!string.IsNullOrEmpty(q.CustomStatusPrefix))
            {
                parts.Add(TableClient.CreateQueryFilter($"CustomStatus ge {q.CustomStatusPrefix} and CustomStatus lt {NextPrefix(q.CustomStatusPrefix)}"));
            }

            return parts.Count == 0 ? null : string.Join(" and ", parts);
        }

        /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/>.</summary>
        private static string NextPrefix(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
    }
}
