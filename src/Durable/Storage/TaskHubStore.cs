using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Governance.Durable.Core;

namespace Governance.Durable.Storage;

/// <summary>An execution's history as read for a caller: whether it is finished (so it never changes) and where its first event is.</summary>
internal sealed record HistoryRead(List<HistoryEvent> Events, string? ExecutionId, bool Finished, string? FirstRowKey);

/// <summary>An instance as loaded from its history partition.</summary>
internal sealed record LoadedInstance(InstanceState State, ETag ETag, List<HistoryEvent> History, List<OutboxEntry> Outbox, List<string> StaleRowKeys);

/// <summary>Everything one step writes to an instance's partition, committed atomically by the state row's ETag.</summary>
internal sealed record StepCommit(
    InstanceState State,
    ETag? ExpectedETag,
    int FirstSequence,
    IReadOnlyList<HistoryEvent> NewEvents,
    IReadOnlyList<OutboxEntry> NewOutbox,
    IReadOnlyList<string> DeleteRowKeys)
{
    /// <summary>Outcomes of the submissions this step decided: written in the same transaction as the state row.</summary>
    public IReadOnlyList<Submissions.SubmissionRecord> Submissions { get; init; } = [];

    /// <summary>The execution's last row when the new events may join it (see <see cref="HistoryRows"/>).</summary>
    public HistoryTail? Tail { get; init; }

    /// <summary>The partition is taken to be new: its audit head is inserted without being read (a head there makes the commit conflict).</summary>
    public bool AuditHeadAbsent { get; init; }
}

/// <summary>A committed step: the state row's new ETag and the execution's last row as it now stands.</summary>
internal sealed record CommitResult(ETag ETag, HistoryTail? Tail);

/// <summary>
/// All storage I/O of a task hub. Layout (see README): one History-table partition per instance holds the state row
/// ("0"), outbox rows ("1|…") and history rows ("2|{inverted generation}|{first sequence}", several events each: see HistoryRows), so a step commits atomically
/// in one entity-group transaction; the Instances table is a query projection; timers live in a table keyed by due
/// time; payloads too large for a row or message go to blobs.
/// </summary>
internal sealed class TaskHubStore
{
    internal const string StateRowKey = "0";
    internal const string OutboxPrefix = "1|";
    internal const string HistoryPrefix = "2|";
    internal const string HistoryEnd = "3"; // history keys sort below it (audit rows "4|…" above)
    private const int MaxInlineChars = 30_000;
    internal const long MaxInlineTransactionBytes = 3 * 1024 * 1024; // of 4 MiB: the rest for keys, state and audit rows
    private const int MaxQueueMessageChars = 45_000;
    internal const string BlobReferencePrefix = "blob:";

    private readonly ISet<string> auditedActivities;

    public TaskHubStore(DurableTaskOptions options)
    {
        auditedActivities = options.AuditedActivities;
        Names = new TaskHubNames(options.HubName, options.PartitionCount);
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        var blobOptions = new BlobClientOptions();
        if (options.MaxStorageConnectionsPerEndpoint is { } limit)
        {
            tableOptions.Transport = queueOptions.Transport = blobOptions.Transport = StorageTransports.For(limit);
        }

        options.ConfigureStorageClientOptions?.Invoke(tableOptions);
        options.ConfigureStorageClientOptions?.Invoke(queueOptions);
        options.ConfigureStorageClientOptions?.Invoke(blobOptions);
        var tables = new TableServiceClient(options.ConnectionString, tableOptions);
        var queues = new QueueServiceClient(options.ConnectionString, queueOptions);
        var blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
        History = tables.GetTableClient(Names.HistoryTable);
        Instances = tables.GetTableClient(Names.InstancesTable);
        Timers = tables.GetTableClient(Names.TimersTable);
        Poison = tables.GetTableClient(Names.PoisonTable);
        AuditDigests = tables.GetTableClient(Names.AuditDigestsTable);
        ControlQueues = Enumerable.Range(0, Names.PartitionCount).Select(p => queues.GetQueueClient(Names.ControlQueue(p))).ToArray();
        WorkItems = queues.GetQueueClient(Names.WorkItemQueue);
        Leases = blobs.GetBlobContainerClient(Names.LeaseContainer);
        Payloads = blobs.GetBlobContainerClient(Names.PayloadContainer);
    }

    public TaskHubNames Names { get; }
    public TableClient History { get; }
    public TableClient Instances { get; }
    public TableClient Timers { get; }
    public TableClient Poison { get; }
    public TableClient AuditDigests { get; }
    public QueueClient[] ControlQueues { get; }
    public QueueClient WorkItems { get; }
    public BlobContainerClient Leases { get; }
    public BlobContainerClient Payloads { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        var work = new List<Task>
        {
            History.CreateIfNotExistsAsync(cancellationToken),
            Instances.CreateIfNotExistsAsync(cancellationToken),
            Timers.CreateIfNotExistsAsync(cancellationToken),
            Poison.CreateIfNotExistsAsync(cancellationToken),
            WorkItems.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Leases.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Payloads.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
        };
        work.AddRange(ControlQueues.Select(q => q.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await Task.WhenAll(work);
    }

    // ---- payloads -------------------------------------------------------------------------------------------

    /// <summary>Stores a value inline, or in a blob (returning a reference) when it is too large for a table property.</summary>
    public async Task<string?> OffloadAsync(string instanceId, string? value, int limit = MaxInlineChars)
    {
        if (value is null || value.Length <= limit)
        {
            return value;
        }

        string name = $"{instanceId}/{Guid.NewGuid():N}.json";
        await Payloads.GetBlobClient(name).UploadAsync(BinaryData.FromString(value), overwrite: true);
        return BlobReferencePrefix + name;
    }

    public async Task<string?> ResolveAsync(string? stored)
    {
        if (stored is null || !stored.StartsWith(BlobReferencePrefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var content = await Payloads.GetBlobClient(stored[BlobReferencePrefix.Length..]).DownloadContentAsync();
        return content.Value.Content.ToString();
    }

    // ---- instance partition ---------------------------------------------------------------------------------

    internal static string HistoryRowPrefix(int generation) => $"{HistoryPrefix}{999_999 - generation:D6}|";

    internal static string HistoryRowKey(int generation, int sequence) => $"{HistoryRowPrefix(generation)}{sequence:D8}";

    /// <summary>Reads the state row, the outbox and the current execution's history in one forward scan of the partition.</summary>
    public async Task<LoadedInstance?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        InstanceState? state = null;
        ETag etag = default;
        var outboxRows = new List<(string RowKey, long Version, string Data)>();
        var stale = new List<string>();
        string? currentPrefix = null;
        HistoryChain? chain = null;
        await foreach (var row in History.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, cancellationToken: cancellationToken))
        {
            if (row.RowKey == StateRowKey)
            {
                state = await ReadStateAsync(row);
                etag = row.ETag;
                currentPrefix = HistoryRowPrefix(state.Generation);
                chain = new HistoryChain(state.HistoryCount, ResolveAsync);
            }
            else if (row.RowKey.StartsWith(OutboxPrefix, StringComparison.Ordinal))
            {
                outboxRows.Add((row.RowKey, row.GetInt64("StepVersion") ?? 0, row.GetString("Data")));
            }
            else if (currentPrefix is not null && row.RowKey.StartsWith(currentPrefix, StringComparison.Ordinal))
            {
                await chain!.AddAsync(row);
            }
            else
            {
                // Older generations follow the current one: stop reading.
                break;
            }
        }

        if (state is null)
        {
            return null;
        }

        var outbox = new List<OutboxEntry>();
        foreach (var (rowKey, version, data) in outboxRows)
        {
            if (version <= state.StepVersion)
            {
                outbox.Add(new OutboxEntry(rowKey, version, JsonSerializer.Deserialize<OutboxItem>((await ResolveAsync(data))!, DurableJson.Options)!));
            }
            else
            {
                stale.Add(rowKey);
            }
        }

        stale.AddRange(chain!.StaleRowKeys);
        return new LoadedInstance(state, etag, chain.Events, outbox, stale);
    }

    private async Task<InstanceState> ReadStateAsync(TableEntity row)
        => JsonSerializer.Deserialize<InstanceState>((await ResolveAsync(row.GetString("Data")))!, DurableJson.Options)!;

    /// <summary>
    /// Commits a step. Rows are upserted first (in batches when there are more than one transaction holds); the
    /// state row, written last with an ETag check, is the commit point: rows beyond its counts are ignored on load.
    /// Throws <see cref="RequestFailedException"/> with status 409/412 when another writer got there first.
    /// </summary>
    public async Task<CommitResult> CommitAsync(StepCommit commit, CancellationToken cancellationToken)
    {
        string pk = commit.State.InstanceId;
        var historyRows = new List<TableTransactionAction>();
        var newEvents = commit.NewEvents.Select(HistoryRows.Serialize).ToList();
        var rows = HistoryRows.Lay(commit.Tail, commit.FirstSequence, newEvents, out var tail);
        commit.State.HistoryTail = tail?.Start;
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var entity = new TableEntity(pk, HistoryRowKey(commit.State.Generation, row.Sequence))
            {
                ["ExecutionId"] = commit.State.ExecutionId,
                ["Generation"] = commit.State.Generation,
            };
            if (row.Shared)
            {
                entity["Events"] = HistoryRows.Join(row.Events);
                entity["Count"] = row.Events.Count;
                if (row.Sequence == 0)
                {
                    // Marks an execution's first row, so its executions are listed without reading their events.
                    entity["StartsExecution"] = true;
                }
            }
            else
            {
                var e = commit.NewEvents[row.Sequence - commit.FirstSequence];
                entity["Data"] = await OffloadAsync(pk, row.Events[0]);
                entity["EventType"] = e.EventType;
                entity["EventTimestamp"] = DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc);
            }

            written.Add(entity.RowKey);
            historyRows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        // A transaction holds at most 4 MiB: outbox data that would take the commit past the budget goes to blobs
        // (on the wire a Chinese character is a 6-byte JSON escape, so rows within the inline limit can add up past it).
        long bytes = rows.Sum(r => r.Events.Sum(WireBytes));
        var upserts = new List<TableTransactionAction>();
        foreach (var o in commit.NewOutbox)
        {
            string json = JsonSerializer.Serialize(o.Item, DurableJson.Options);
            long size = WireBytes(json);
            bool fits = bytes + size <= MaxInlineTransactionBytes;
            bytes += fits ? size : 0;
            var entity = new TableEntity(pk, o.RowKey)
            {
                ["Data"] = await OffloadAsync(pk, json, fits ? MaxInlineChars : 0),
                ["StepVersion"] = o.StepVersion,
            };
            upserts.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        // History rows go last, next to the state row, and the rewrite of the execution's last row (the first of them)
        // last of all: it must never be written ahead of the commit point, where a writer that has lost the instance
        // would overwrite the new owner's committed events. (The planner bounds a step's outbox rows, so only a step
        // with thousands of events or many events too large to share a row needs more than one transaction.)
        upserts.AddRange(historyRows.Skip(1));
        upserts.AddRange(historyRows.Take(1));

        // A leftover of a failed commit may have the key a row of this commit has: it is replaced, not deleted.
        var deletes = commit.DeleteRowKeys.Where(k => !written.Contains(k))
            .Select(rowKey => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rowKey), ETag.All)).ToList();

        var stateEntity = new TableEntity(pk, StateRowKey)
        {
            ["Data"] = await OffloadAsync(pk, JsonSerializer.Serialize(commit.State, DurableJson.Options)),
            ["Status"] = commit.State.Status.ToString(),
        };
        var stateAction = commit.ExpectedETag is { } expected
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, stateEntity, expected)
            : new TableTransactionAction(TableTransactionActionType.Add, stateEntity);

        // Submission outcomes are answers to callers: they must be visible only if the step is, so they go in the
        // state row's transaction (the planner bounds how many one step decides).
        var outcomes = new List<TableTransactionAction>();
        foreach (var record in commit.Submissions)
        {
            var entity = Submissions.SubmissionStore.ToEntity(pk, record, (await OffloadAsync(pk, JsonSerializer.Serialize(record, DurableJson.Options)))!);
            outcomes.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        // The step's audit records (Audit/AuditLedger) are part of its commit, never written "later".
        outcomes.AddRange(await Audit.AuditLedger.ActionsForStepAsync(History, commit.State, commit.NewEvents, auditedActivities, commit.AuditHeadAbsent, cancellationToken));

        // Entity-group transactions hold at most 100 operations and 4 MiB: what does not fit with the state row is
        // written first (rows beyond the state's counts are ignored on load), and deletes, safe only with the commit
        // point, go with the state row when there is room, else after it (a leftover row is ignored or redone on load).
        int batchLimit = 99 - outcomes.Count;
        int early = Math.Max(0, upserts.Count - batchLimit);
        foreach (var chunk in upserts.Take(early).Chunk(batchLimit))
        {
            await History.SubmitTransactionAsync(chunk, cancellationToken);
        }

        var last = upserts.Skip(early).ToList();
        int room = batchLimit - last.Count;
        last.AddRange(deletes.Take(room));
        last.AddRange(outcomes);
        last.Add(stateAction);
        var response = await History.SubmitTransactionAsync(last, cancellationToken);
        ETag etag = response.Value[^1].Headers.ETag ?? default;
        foreach (var chunk in deletes.Skip(room).Chunk(100))
        {
            await History.SubmitTransactionAsync(chunk, cancellationToken);
        }

        return new CommitResult(etag, tail);
    }

    /// <summary>A string's size in a request body: ASCII as is, anything else escaped as \uXXXX.</summary>
    internal static long WireBytes(string value)
    {
        long bytes = value.Length;
        foreach (char c in value)
        {
            if (c > '\u007f')
            {
                bytes += 5;
            }
        }

        return bytes;
    }

    /// <summary>Deletes rows of an instance partition (dispatched outbox rows, leftovers).</summary>
    public async Task DeleteRowsAsync(string instanceId, IReadOnlyCollection<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(100))
        {
            var actions = chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, rk), ETag.All));
            try
            {
                await History.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone (a delete is retried after a crash): delete one by one, ignoring missing rows.
                foreach (string rk in chunk)
                {
                    await History.DeleteEntityAsync(instanceId, rk, ETag.All, cancellationToken);
                }
            }
        }
    }

    // ---- history for auditors -------------------------------------------------------------------------------

    /// <summary>
    /// Reads an execution's history, the current one when <paramref name="executionId"/> is null. Only the row keys
    /// and event data are fetched, and rows come in key order from the service, so nothing is sorted or copied.
    /// </summary>
    public async Task<HistoryRead> ReadHistoryAsync(string instanceId, string? executionId, CancellationToken cancellationToken)
    {
        string[] columns = ["RowKey", "Data", "Events", "Count"];
        if (executionId is null)
        {
            // The current execution: the first page holds the state row and the newest generation's first rows
            // (outbox rows skipped), usually all of them; the state row tells how many events there are, so what a
            // page did not hold is fetched by key range, in parallel pages, rather than page after page.
            InstanceState? state = null;
            string? prefix = null;
            HistoryChain? chain = null;
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and (RowKey eq {StateRowKey} or RowKey ge {HistoryPrefix})");
            await foreach (var page in History.QueryAsync<TableEntity>(filter, MaxPageSize, columns, cancellationToken).AsPages(pageSizeHint: MaxPageSize))
            {
                foreach (var row in page.Values)
                {
                    if (row.RowKey == StateRowKey)
                    {
                        state = await ReadStateAsync(row);
                        prefix = HistoryRowPrefix(state.Generation);
                        chain = new HistoryChain(state.HistoryCount, ResolveAsync);
                    }
                    else if (prefix is not null && row.RowKey.StartsWith(prefix, StringComparison.Ordinal) && !chain!.Complete)
                    {
                        await chain.AddAsync(row);
                    }
                    else
                    {
                        // Older generations (or leftovers beyond the count) follow: the first page had all there is.
                        break;
                    }
                }

                // The service may answer a page with no rows and a continuation: only then read the next one.
                if (page.Values.Count > 0)
                {
                    break;
                }
            }

            if (state is null)
            {
                return new HistoryRead([], null, false, null);
            }

            if (!chain!.Complete)
            {
                // Rows of a generation hold at least one event each, so a range of sequences is at most a page of rows.
                var ranges = new List<Task<List<TableEntity>>>();
                for (int from = chain.Next; from < state.HistoryCount; from += MaxPageSize)
                {
                    ranges.Add(ReadRowRangeAsync(instanceId, state.Generation, from, Math.Min(from + MaxPageSize, state.HistoryCount), columns, cancellationToken));
                }

                foreach (var range in await Task.WhenAll(ranges))
                {
                    foreach (var row in range)
                    {
                        await chain.AddAsync(row);
                    }
                }
            }

            return new HistoryRead(chain.Events, state.ExecutionId, state.IsTerminal, HistoryRowKey(state.Generation, 0));
        }

        var stateRow = await History.GetEntityIfExistsAsync<TableEntity>(instanceId, StateRowKey, ["Data"], cancellationToken);
        if (!stateRow.HasValue)
        {
            return new HistoryRead([], null, false, null);
        }

        var current = await ReadStateAsync(stateRow.Value!);
        bool isCurrent = executionId == current.ExecutionId;
        var events = new HistoryChain(isCurrent ? current.HistoryCount : int.MaxValue, ResolveAsync);
        string? firstRowKey = null;
        string byExecution = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {HistoryPrefix} and RowKey lt {HistoryEnd} and ExecutionId eq {executionId}");
        await foreach (var row in History.QueryAsync<TableEntity>(byExecution, select: columns, cancellationToken: cancellationToken))
        {
            firstRowKey ??= row.RowKey; // a partition's rows come in key order: the first is the execution's first event
            await events.AddAsync(row);
        }

        return new HistoryRead(events.Events, executionId, !isCurrent || current.IsTerminal, firstRowKey);
    }

    private const int MaxPageSize = 1000;

    /// <summary>The rows of a generation whose first event is <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    private async Task<List<TableEntity>> ReadRowRangeAsync(string instanceId, int generation, int from, int to, string[] columns, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {HistoryRowKey(generation, from)} and RowKey lt {HistoryRowKey(generation, to)}");
        await foreach (var row in History.QueryAsync<TableEntity>(filter, MaxPageSize, columns, cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>True when the row still holds an event of the execution (it was not purged meanwhile).</summary>
    public async Task<bool> HoldsExecutionAsync(string instanceId, string rowKey, string executionId, CancellationToken cancellationToken)
    {
        var row = await History.GetEntityIfExistsAsync<TableEntity>(instanceId, rowKey, ["ExecutionId"], cancellationToken);
        return row.HasValue && row.Value!.GetString("ExecutionId") == executionId;
    }

    public async Task<IReadOnlyList<string>> ReadExecutionIdsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var ids = new List<(int Generation, string ExecutionId)>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {HistoryPrefix} and RowKey lt {HistoryEnd} and (EventType eq {nameof(ExecutionStartedEvent)} or StartsExecution eq {true})");
        await foreach (var row in History.QueryAsync<TableEntity>(filter, select: ["ExecutionId", "Generation"], cancellationToken: cancellationToken))
        {
            ids.Add((row.GetInt32("Generation") ?? 0, row.GetString("ExecutionId")));
        }

        return ids.OrderBy(i => i.Generation).Select(i => i.ExecutionId).Distinct().ToList();
    }

    // ---- queues ---------------------------------------------------------------------------------------------

    public string Serialize(TaskMessage message) => JsonSerializer.Serialize(message, DurableJson.Options);

    public async Task<string> ToQueueTextAsync(TaskMessage message)
    {
        string text = Serialize(message);
        return text.Length <= MaxQueueMessageChars ? text : (await OffloadAsync(message.InstanceId, text, 0))!;
    }

    public async Task<TaskMessage> ParseQueueTextAsync(string text)
        => JsonSerializer.Deserialize<TaskMessage>((await ResolveAsync(text))!, DurableJson.Options)!;

    public async Task<string> ToQueueTextAsync(ActivityRequest request)
    {
        string text = JsonSerializer.Serialize(request, DurableJson.Options);
        return text.Length <= MaxQueueMessageChars ? text : (await OffloadAsync(request.InstanceId, text, 0))!;
    }

    public async Task<ActivityRequest> ParseActivityTextAsync(string text)
        => JsonSerializer.Deserialize<ActivityRequest>((await ResolveAsync(text))!, DurableJson.Options)!;

    public QueueClient ControlQueueFor(string instanceId) => ControlQueues[PartitionHash.PartitionOf(instanceId, Names.PartitionCount)];

    // ---- timers ---------------------------------------------------------------------------------------------

    internal static string TimerRowKey(DateTime fireAt, string messageId) => $"{fireAt.Ticks:D19}|{messageId}";

    public async Task UpsertTimerAsync(DateTime fireAt, TaskMessage message, CancellationToken cancellationToken)
    {
        int partition = PartitionHash.PartitionOf(message.InstanceId, Names.PartitionCount);
        var entity = new TableEntity(Names.PartitionKeyOf(partition), TimerRowKey(fireAt, message.Id))
        {
            ["Message"] = await OffloadAsync(message.InstanceId, Serialize(message)),
            ["InstanceId"] = message.InstanceId,
            ["FireAt"] = DateTime.SpecifyKind(fireAt, DateTimeKind.Utc),
        };
        await Timers.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Timers of a partition due before <paramref name="before"/>, earliest first.</summary>
    public async Task<List<(string RowKey, DateTime FireAt, TaskMessage Message)>> ReadTimersAsync(int partition, DateTime before, CancellationToken cancellationToken)
    {
        string pk = Names.PartitionKeyOf(partition);
        string upper = $"{before.Ticks:D19}";
        var result = new List<(string, DateTime, TaskMessage)>();
        await foreach (var row in Timers.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo(upper) < 0, cancellationToken: cancellationToken))
        {
            var message = JsonSerializer.Deserialize<TaskMessage>((await ResolveAsync(row.GetString("Message")))!, DurableJson.Options)!;
            result.Add((row.RowKey, DateTime.SpecifyKind(row.GetDateTime("FireAt") ?? default, DateTimeKind.Utc), message));
        }

        return result;
    }

    /// <summary>True when the partition has a timer row of the instance.</summary>
    public async Task<bool> HasTimerRowAsync(int partition, DateTime fireAt, string messageId, CancellationToken cancellationToken)
        => (await Timers.GetEntityIfExistsAsync<TableEntity>(Names.PartitionKeyOf(partition), TimerRowKey(fireAt, messageId), select: ["RowKey"], cancellationToken: cancellationToken)).HasValue;

    /// <summary>True when the work-item queue holds any message, visible or not (an activity queued or running somewhere).</summary>
    public async Task<bool> AnyWorkItemsAsync(CancellationToken cancellationToken)
        => (await WorkItems.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount > 0;

    public async Task DeleteTimerAsync(int partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await Timers.DeleteEntityAsync(Names.PartitionKeyOf(partition), rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    // ---- poison ---------------------------------------------------------------------------------------------

    public Task RecordPoisonAsync(string instanceId, string messageId, string kind, string content, string reason, DateTime at, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(string.IsNullOrEmpty(instanceId) ? "(unknown)" : instanceId, Sanitize(messageId))
        {
            ["Kind"] = kind,
            ["Content"] = content.Length > MaxInlineChars ? content[..MaxInlineChars] : content,
            ["Reason"] = reason.Length > MaxInlineChars ? reason[..MaxInlineChars] : reason,
            ["RecordedAt"] = at,
        };
        return Poison.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private static string Sanitize(string key) => new(key.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).ToArray());
}
