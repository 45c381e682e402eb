using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace Governance.Durable.Audit;

/// <summary>One periodic digest: the chain heads of every trail at one moment, chained to the previous digest.</summary>
public sealed record AuditDigest(
    string Id,
    DateTime CreatedAt,
    string CreatedAtChina,
    string PreviousDigestSha256,
    IReadOnlyList<AuditDigestHead> Heads);

public sealed record AuditDigestHead(string InstanceId, long Sequence, string Hash);

/// <summary>A stored digest: its document (the exact bytes an auditor keeps elsewhere) and their SHA-256.</summary>
public sealed record StoredAuditDigest(string Id, DateTime CreatedAt, int HeadCount, string Sha256, string Document);

/// <summary>
/// Digests live apart from the trails: table <c>{hub}AuditDigests</c> (one row per digest with its document and hash,
/// and one row per instance and digest naming that instance's head, which verification reads).
/// </summary>
internal sealed class AuditDigestStore(TableClient digests)
{
    private const string DigestPartition = "!digest";
    private Task? created;

    // Created once, never with a caller's token (a cancelled first request must not leave a failed task cached).
    private Task EnsureCreatedAsync(CancellationToken cancellationToken) => (created ??= digests.CreateIfNotExistsAsync(CancellationToken.None)).WaitAsync(cancellationToken);

    public async Task<StoredAuditDigest> WriteAsync(DateTime now, IReadOnlyList<AuditDigestHead> heads, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var latest = (await ListAsync(cancellationToken)).LastOrDefault();
        // Millisecond ids: two digests never share a row (each names the previous one's hash).
        string id = now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var digest = new AuditDigest(id, now, AuditCanonicalForm.FormatChina(now), latest?.Sha256 ?? AuditRecord.GenesisHash,
            heads.OrderBy(h => h.InstanceId, StringComparer.Ordinal).ToList());
        string document = JsonSerializer.Serialize(digest, DurableJson.Options);
        string sha = AuditCanonicalForm.Sha256Hex(document);

        // Per-instance rows first: a digest row exists only once everything it names can be checked against it.
        foreach (var head in digest.Heads)
        {
            await digests.UpsertEntityAsync(new TableEntity(head.InstanceId, id) { ["Seq"] = head.Sequence, ["Hash"] = head.Hash }, TableUpdateMode.Replace, cancellationToken);
        }

        if (document.Length > 30_000)
        {
            // Its chunks before the digest row, for the same reason: a crash in between leaves no listed digest unreadable.
            await WriteLargeDocumentAsync(id, document, cancellationToken);
        }

        await digests.UpsertEntityAsync(new TableEntity(DigestPartition, id)
        {
            ["Document"] = document.Length <= 30_000 ? document : null,
            ["Sha256"] = sha,
            ["HeadCount"] = digest.Heads.Count,
            ["CreatedAt"] = now,
        }, TableUpdateMode.Replace, cancellationToken);

        return new StoredAuditDigest(id, now, digest.Heads.Count, sha, document);
    }

    public async Task<List<StoredAuditDigest>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var list = new List<StoredAuditDigest>();
        await foreach (var row in digests.QueryAsync<TableEntity>(e => e.PartitionKey == DigestPartition, cancellationToken: cancellationToken))
        {
            string document = row.GetString("Document") ?? await ReadLargeDocumentAsync(row.RowKey, cancellationToken);
            list.Add(new StoredAuditDigest(row.RowKey, row.GetDateTime("CreatedAt") ?? default, row.GetInt32("HeadCount") ?? 0, row.GetString("Sha256") ?? string.Empty, document));
        }

        return list;
    }

    public async Task<List<AuditDigestEntry>> EntriesForAsync(string instanceId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var list = new List<AuditDigestEntry>();
        await foreach (var row in digests.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, cancellationToken: cancellationToken))
        {
            list.Add(new AuditDigestEntry(row.RowKey, row.GetInt64("Seq") ?? 0, row.GetString("Hash") ?? string.Empty));
        }

        return list;
    }

    // A digest over very many instances does not fit a table property: its document is split over rows of its own partition.
    private async Task WriteLargeDocumentAsync(string id, string document, CancellationToken cancellationToken)
    {
        int part = 0;
        foreach (var chunk in document.Chunk(30_000))
        {
            await digests.UpsertEntityAsync(new TableEntity("!doc|" + id, part++.ToString("D6", CultureInfo.InvariantCulture)) { ["Text"] = new string(chunk) },
                TableUpdateMode.Replace, cancellationToken);
        }
    }

    private async Task<string> ReadLargeDocumentAsync(string id, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        await foreach (var row in digests.QueryAsync<TableEntity>(e => e.PartitionKey == "!doc|" + id, cancellationToken: cancellationToken))
        {
            parts.Add(row.GetString("Text") ?? string.Empty);
        }

        return string.Concat(parts);
    }
}
