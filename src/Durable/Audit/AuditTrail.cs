using Azure.Data.Tables;

namespace Governance.Durable.Audit;

/// <summary>A trail's head: what a search over trails (live and purged instances alike) returns.</summary>
public sealed record AuditTrailHead(string InstanceId, string Name, IReadOnlyDictionary<string, string> Tags, long Sequence, string Hash, DateTime? LastAt, bool Purged);

/// <summary>A trail's records (as stored) and their verification, from one read.</summary>
public sealed record VerifiedAuditTrail(IReadOnlyList<AuditRecord> Records, AuditVerification Verification);

/// <summary>
/// What auditors read: an instance's trail, its verification against the stored chain and the digests, searches over
/// trails, and the periodic digests. Trails are written by the runtime itself (<see cref="AuditLedger"/>), in the same
/// transaction as the step they record; purge keeps them (see <see cref="DurableTaskOptions.AuditRetention"/>).
/// </summary>
public sealed class AuditTrail
{
    private readonly DurableTaskHub hub;
    private readonly AuditDigestStore digests;

    public AuditTrail(DurableTaskHub hub)
    {
        this.hub = hub;
        digests = new AuditDigestStore(hub.Store.AuditDigests);
    }

    private TableClient History => hub.Store.History;

    internal static bool IsTrailRow(string rowKey) => rowKey.StartsWith(AuditLedger.Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Records a purge in the instance's trail; true when the trail is to be kept (no retention set, or its last record
    /// is within it), false when the purge may delete it as well.
    /// </summary>
    internal static async Task<bool> RecordPurgeAsync(DurableTaskHub hub, string instanceId, string? actor, CancellationToken cancellationToken)
    {
        var head = await AuditLedger.ReadHeadAsync(hub.Store.History, instanceId, cancellationToken);
        if (head?.GetBoolean("Purged") == true)
        {
            return true; // a purge retried after a crash (or run twice): it is on the trail once
        }

        DateTime now = hub.UtcNow;
        if (hub.Options.AuditRetention is { } retention && (head?.GetDateTime("LastAt") is not { } last || now - last.ToUniversalTime() > retention))
        {
            return false;
        }

        var draft = new AuditDraft(AuditKinds.InstancePurged, string.IsNullOrEmpty(actor) ? AuditRecord.SystemActor : actor, now, null,
            new Dictionary<string, string> { ["retention"] = hub.Options.AuditRetention?.ToString() ?? "forever" });
        await AuditLedger.AppendAsync(hub.Store.History, instanceId, [draft], purged: true, cancellationToken);
        return true;
    }

    /// <summary>The records of an instance in order, as stored (null when it has no trail); verify before relying on them.</summary>
    public async Task<IReadOnlyList<AuditRecord>?> ReadAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var rows = await AuditLedger.ReadRecordRowsAsync(History, instanceId, cancellationToken);
        if (rows.Count == 0 && await AuditLedger.ReadHeadAsync(History, instanceId, cancellationToken) is null)
        {
            return null;
        }

        return rows.Select(AuditLedger.Parse).OfType<AuditRecord>().ToList();
    }

    public async Task<AuditTrailHead?> ReadHeadAsync(string instanceId, CancellationToken cancellationToken = default)
        => await AuditLedger.ReadHeadAsync(History, instanceId, cancellationToken) is { } row ? HeadOf(row) : null;

    public async Task<AuditVerification> VerifyAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var rows = await AuditLedger.ReadRecordRowsAsync(History, instanceId, cancellationToken);
        var head = await AuditLedger.ReadHeadAsync(History, instanceId, cancellationToken);
        var entries = await digests.EntriesForAsync(instanceId, cancellationToken);
        return AuditChainVerifier.Verify(instanceId, rows, head, entries);
    }

    /// <summary>
    /// An instance's records and their verification from one read of the trail (null when it has none): what an export
    /// or a verification request needs, without reading the trail once to find it and again to check it.
    /// </summary>
    public async Task<VerifiedAuditTrail?> ReadVerifiedAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var rows = await AuditLedger.ReadRecordRowsAsync(History, instanceId, cancellationToken);
        var head = await AuditLedger.ReadHeadAsync(History, instanceId, cancellationToken);
        if (rows.Count == 0 && head is null)
        {
            return null;
        }

        var entries = await digests.EntriesForAsync(instanceId, cancellationToken);
        return new VerifiedAuditTrail(rows.Select(AuditLedger.Parse).OfType<AuditRecord>().ToList(), AuditChainVerifier.Verify(instanceId, rows, head, entries));
    }

    /// <summary>
    /// Trails by process name and tags (e.g. street, community), purged instances included. <paramref name="spanned"/>
    /// (e.g. <c>year</c> = 2026) also finds an instance whose tag has moved past the value since: a yearly process that
    /// continued as new into 2027 covered 2026 (its trail keeps each tag's first value), so it is found for 2026 too.
    /// </summary>
    public async Task<List<AuditTrailHead>> SearchAsync(string? name, IReadOnlyDictionary<string, string>? tags, int max = 10_000, CancellationToken cancellationToken = default,
        KeyValuePair<string, string>? spanned = null)
    {
        var list = new List<AuditTrailHead>();
        await foreach (var row in AuditLedger.ReadHeadsAsync(History, name, tags, cancellationToken, spanned))
        {
            list.Add(HeadOf(row));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    /// <summary>Writes a digest over every trail's head now (admins may ask for one at any time).</summary>
    public Task<StoredAuditDigest> CreateDigestAsync(CancellationToken cancellationToken = default)
        => CreateDigestAsync(hub.UtcNow, cancellationToken);

    /// <summary>
    /// Writes the digest of the period ending at <paramref name="period"/> (the periodic service's due instant): every host
    /// asks for the same id, one writes it and the others get that one back.
    /// </summary>
    internal async Task<StoredAuditDigest> CreateDigestAsync(DateTime period, CancellationToken cancellationToken)
    {
        var heads = new List<AuditDigestHead>();
        await foreach (var row in AuditLedger.ReadHeadsAsync(History, null, null, cancellationToken))
        {
            heads.Add(new AuditDigestHead(row.PartitionKey, row.GetInt64("Seq") ?? 0, row.GetString("Hash") ?? string.Empty));
        }

        return await digests.WriteAsync(period, heads, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAuditDigest>> ListDigestsAsync(CancellationToken cancellationToken = default)
        => await digests.ListAsync(cancellationToken);

    /// <summary>One digest by id, or null.</summary>
    public Task<StoredAuditDigest?> GetDigestAsync(string digestId, CancellationToken cancellationToken = default)
        => digests.GetAsync(digestId, cancellationToken);

    private static AuditTrailHead HeadOf(TableEntity row) => new(
        row.PartitionKey,
        row.GetString("Name") ?? string.Empty,
        AuditLedger.TagsOf(row).ToDictionary(kv => TagKeyOf(kv.Key), kv => kv.Value),
        row.GetInt64("Seq") ?? 0,
        row.GetString("Hash") ?? string.Empty,
        row.GetDateTime("LastAt"),
        row.GetBoolean("Purged") ?? false);

    // Column names keep ASCII letters and digits and encode anything else as _hhhh (see InstanceTags.ColumnName).
    private static string TagKeyOf(string column)
    {
        var text = column["Tag_".Length..];
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '_' && i + 4 < text.Length && int.TryParse(text.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out int code))
            {
                sb.Append((char)code);
                i += 4;
            }
            else
            {
                sb.Append(text[i]);
            }
        }

        return sb.ToString();
    }
}
