using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Governance.Durable.Core;

namespace Governance.Durable.Audit;

/// <summary>
/// Where audit records live: in the instance's own History-table partition (rows <c>4|aud|r|{sequence}</c> and a head
/// row <c>4|aud|head</c>), after the history rows so loading an instance never reads them. Living in that partition is
/// what lets a step's records go in the step's own entity-group transaction: the trail says what was committed, never
/// "later". The head row (last sequence and hash, process name and tags) is written with an ETag check in the same
/// transaction, so two writers cannot both extend a chain. Purge leaves these rows in place.
/// </summary>
internal static class AuditLedger
{
    public const string Prefix = "4|aud|";
    public const string HeadRowKey = "4|aud|head";
    public const string RecordPrefix = "4|aud|r|";
    private const string RecordPrefixEnd = "4|aud|r}";

    public static string RecordRowKey(long sequence) => $"{RecordPrefix}{sequence:D12}";

    /// <summary>
    /// The hook into a step's commit: the transaction actions (records and head) for the audit-worthy events of the
    /// step, none when it has none (then no storage call is made).
    /// </summary>
    public static async Task<IReadOnlyList<TableTransactionAction>> ActionsForStepAsync(
        TableClient history, InstanceState state, IReadOnlyList<HistoryEvent> newEvents, ISet<string> auditedActivities, bool headAbsent, CancellationToken cancellationToken)
    {
        var drafts = AuditRecordBuilder.DraftsFor(state.ExecutionId, newEvents, auditedActivities);
        if (drafts.Count == 0)
        {
            return [];
        }

        // A new instance has no head yet; were one there (a purged instance's trail), inserting the head conflicts.
        var head = headAbsent ? null : await ReadHeadAsync(history, state.InstanceId, cancellationToken);
        return Chain(state.InstanceId, head, drafts, state.Name, state.Tags, purged: false).Actions;
    }

    /// <summary>Appends records outside a step (purge), in one transaction with the head's ETag check.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> AppendAsync(TableClient history, string instanceId, IReadOnlyList<AuditDraft> drafts, bool purged, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(history, instanceId, cancellationToken);
        var tags = head is null ? new Dictionary<string, string>() : TagsOf(head);
        var (records, actions) = Chain(instanceId, head, drafts, head?.GetString("Name") ?? string.Empty, tags, purged);
        await history.SubmitTransactionAsync(actions, cancellationToken);
        return records;
    }

    public static async Task<TableEntity?> ReadHeadAsync(TableClient history, string instanceId, CancellationToken cancellationToken)
    {
        var row = await history.GetEntityIfExistsAsync<TableEntity>(instanceId, HeadRowKey, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>The stored record rows of an instance in row-key order (as stored: verification decides what they are worth).</summary>
    public static async Task<List<TableEntity>> ReadRecordRowsAsync(TableClient history, string instanceId, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in history.QueryAsync<TableEntity>(
            e => e.PartitionKey == instanceId && e.RowKey.CompareTo(RecordPrefix) >= 0 && e.RowKey.CompareTo(RecordPrefixEnd) < 0,
            cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// The head column keeping the value a tag had when the trail began (e.g. the first <c>year</c> of a yearly process
    /// that continues as new with next year's tags): a column of its own, so it is never read back as a current tag.
    /// </summary>
    public static string FirstValueColumn(string tagColumn) => FirstValuePrefix + tagColumn["Tag_".Length..];

    private const string FirstValuePrefix = "TagFirst_";

    /// <summary>Azure Tables' limit on a property name (a long key of non-ASCII characters may reach it once encoded).</summary>
    private const int MaxColumnNameLength = 255;

    /// <summary>
    /// Every chain head of the hub (live and purged instances), optionally filtered by process name and tags.
    /// <paramref name="spanned"/>: a tag whose value only moves forward over the instance's life (a year): a head matches
    /// when the value lies between the tag's first value and its current one, or equals the current one.
    /// </summary>
    public static async IAsyncEnumerable<TableEntity> ReadHeadsAsync(
        TableClient history, string? name, IReadOnlyDictionary<string, string>? tags,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, KeyValuePair<string, string>? spanned = null)
    {
        string filter = TableClient.CreateQueryFilter($"RowKey eq {HeadRowKey}");
        if (!string.IsNullOrEmpty(name))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Name eq {name}");
        }

        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            filter += $" and {InstanceTags.ColumnName(key)} eq " + TableClient.CreateQueryFilter($"{value}");
        }

        if (spanned is { Key: var spannedKey, Value: var spannedValue })
        {
            string current = InstanceTags.ColumnName(spannedKey), first = FirstValueColumn(current);
            filter += $" and ({current} eq " + TableClient.CreateQueryFilter($"{spannedValue}")
                + $" or ({first} le " + TableClient.CreateQueryFilter($"{spannedValue}") + $" and {current} ge " + TableClient.CreateQueryFilter($"{spannedValue}") + "))";
        }

        await foreach (var row in history.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return row;
        }
    }

    public static AuditRecord? Parse(TableEntity row)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditRecord>(row.GetString("Data") ?? string.Empty, DurableJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static Dictionary<string, string> TagsOf(TableEntity head)
        => head.Keys.Where(k => k.StartsWith("Tag_", StringComparison.Ordinal) && head[k] is string)
            .ToDictionary(k => k, k => (string)head[k]);

    private static (List<AuditRecord> Records, List<TableTransactionAction> Actions) Chain(
        string instanceId, TableEntity? head, IReadOnlyList<AuditDraft> drafts, string name, IReadOnlyDictionary<string, string> tags, bool purged)
    {
        long sequence = head?.GetInt64("Seq") ?? 0;
        string previous = head?.GetString("Hash") ?? AuditRecord.GenesisHash;
        var records = new List<AuditRecord>();
        var actions = new List<TableTransactionAction>();
        foreach (var draft in drafts)
        {
            var unsigned = new AuditRecord(instanceId, ++sequence, draft.Kind, draft.Actor, DateTime.SpecifyKind(draft.At, DateTimeKind.Utc),
                AuditCanonicalForm.FormatChina(draft.At), draft.ExecutionId, draft.Figures, previous, string.Empty);
            var record = unsigned with { Hash = AuditCanonicalForm.HashOf(unsigned) };
            previous = record.Hash;
            records.Add(record);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(instanceId, RecordRowKey(record.Sequence))
            {
                ["Data"] = JsonSerializer.Serialize(record, DurableJson.Options),
                ["Seq"] = record.Sequence,
                ["Kind"] = record.Kind,
                ["Hash"] = record.Hash,
                ["At"] = record.At,
            }));
        }

        var newHead = new TableEntity(instanceId, HeadRowKey)
        {
            ["Seq"] = sequence,
            ["Hash"] = previous,
            ["Name"] = name,
            ["LastAt"] = records[^1].At,
            ["Purged"] = purged,
        };
        foreach (var (key, value) in tags)
        {
            // Tags from the state carry their plain key; tags read back from a head row are already column names.
            string column = key.StartsWith("Tag_", StringComparison.Ordinal) ? key : InstanceTags.ColumnName(key);
            newHead[column] = value;
            // The first value stays (ContinueAsNew may change the tag): what the trail covered remains searchable.
            string firstColumn = FirstValueColumn(column);
            if (firstColumn.Length <= MaxColumnNameLength)
            {
                newHead[firstColumn] = head?.GetString(firstColumn) ?? head?.GetString(column) ?? value;
            }
        }

        actions.Add(head is null
            ? new TableTransactionAction(TableTransactionActionType.Add, newHead)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, head.ETag));
        return (records, actions);
    }
}
