using System.Globalization;
using System.Text.Json;
using Azure;
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
/// and one row per instance and digest naming that instance's head, which verification reads), plus one chain-head row
/// naming the latest digest. The chain-head row is where a digest is decided: it is replaced only under its ETag, so of
/// two hosts writing at once one wins and the other reads the winner's digest back instead of forking the chain, and a
/// write reads only that row (never every digest) to find the one it follows.
/// </summary>
internal sealed class AuditDigestStore(TableClient digests)
{
    private const string DigestPartition = "!digest";
    private const string ChainHeadPartition = "!head";
    private const string ChainHeadRow = "digest";

    /// <summary>An instance's entries: prefixed, so no instance id (which may start with "!") meets the store's own partitions.</summary>
    private static string EntriesPartition(string instanceId) => "i|" + instanceId;
    private const int MaxInline = 30_000;
    private const int MaxAttempts = 8;
    private Task? created;

    // Created once, never with a caller's token (a cancelled first request must not leave a failed task cached).
    private Task EnsureCreatedAsync(CancellationToken cancellationToken) => (created ??= digests.CreateIfNotExistsAsync(CancellationToken.None)).WaitAsync(cancellationToken);

    /// <summary>A digest's id: its instant to the millisecond, so the digest of one period has one id whichever host writes it.</summary>
    public static string IdOf(DateTime at) => at.ToUniversalTime().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the digest for instant <paramref name="at"/> over <paramref name="heads"/>, chained to the latest one; when a
    /// digest for this instant or a later one is already on the chain (another host wrote it) that one is returned instead.
    /// </summary>
    public async Task<StoredAuditDigest> WriteAsync(DateTime at, IReadOnlyList<AuditDigestHead> heads, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        string id = IdOf(at);
        for (int attempt = 1; ; attempt++)
        {
            var read = await digests.GetEntityIfExistsAsync<TableEntity>(ChainHeadPartition, ChainHeadRow, cancellationToken: cancellationToken);
            var chainHead = read.HasValue ? read.Value : null;
            var latest = chainHead is not null ? await ParseAsync(chainHead, cancellationToken) : null;
            if (latest is not null)
            {
                // The latest digest's own rows may be missing (its writer died after claiming the chain head): finish
                // them before anything names it, or it would be named by its successor yet listed nowhere.
                await CompleteAsync(latest, cancellationToken);
                if (string.CompareOrdinal(latest.Id, id) >= 0)
                {
                    // This period (or a later one) already has its digest: adopt it rather than write a second that forks the chain.
                    return latest;
                }
            }

            var digest = new AuditDigest(id, at, AuditCanonicalForm.FormatChina(at), latest?.Sha256 ?? AuditRecord.GenesisHash,
                heads.OrderBy(h => h.InstanceId, StringComparer.Ordinal).ToList());
            string document = JsonSerializer.Serialize(digest, DurableJson.Options);
            var stored = new StoredAuditDigest(id, at, digest.Heads.Count, AuditCanonicalForm.Sha256Hex(document), document);
            if (document.Length > MaxInline)
            {
                // Its chunks before any row names them: a crash in between leaves no digest unreadable.
                await WriteLargeDocumentAsync(LargeDocumentPartition(stored), document, cancellationToken);
            }

            var row = RowOf(ChainHeadPartition, ChainHeadRow, stored);
            try
            {
                if (chainHead is null)
                {
                    await digests.AddEntityAsync(row, cancellationToken);
                }
                else
                {
                    await digests.UpdateEntityAsync(row, chainHead.ETag, TableUpdateMode.Replace, cancellationToken);
                }
            }
            catch (RequestFailedException ex) when ((ex.Status is 409 or 412) && attempt < MaxAttempts)
            {
                continue; // another host moved the chain on meanwhile: read its head again
            }

            await CompleteAsync(stored, cancellationToken);
            return stored;
        }
    }

    /// <summary>
    /// Writes a decided digest's own rows (idempotent, so whoever comes next finishes a write a crash cut short): the
    /// per-instance rows first, then the digest row, so a listed digest names only what can be checked against it.
    /// </summary>
    private async Task CompleteAsync(StoredAuditDigest stored, CancellationToken cancellationToken)
    {
        if ((await digests.GetEntityIfExistsAsync<TableEntity>(DigestPartition, stored.Id, ["Sha256"], cancellationToken)).HasValue)
        {
            return;
        }

        var digest = JsonSerializer.Deserialize<AuditDigest>(stored.Document, DurableJson.Options)!;
        foreach (var head in digest.Heads)
        {
            await digests.UpsertEntityAsync(new TableEntity(EntriesPartition(head.InstanceId), stored.Id) { ["Seq"] = head.Sequence, ["Hash"] = head.Hash }, TableUpdateMode.Replace, cancellationToken);
        }

        try
        {
            await digests.AddEntityAsync(RowOf(DigestPartition, stored.Id, stored), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another host completed the same digest: the row is written once and never replaced.
        }
    }

    /// <summary>One digest read by id (a point read), or null.</summary>
    public async Task<StoredAuditDigest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(id, @"^\d{8}T\d{9}Z$"))
        {
            return null; // not an id this store writes (and nothing to send to storage as a key)
        }

        await EnsureCreatedAsync(cancellationToken);
        var row = await digests.GetEntityIfExistsAsync<TableEntity>(DigestPartition, id, cancellationToken: cancellationToken);
        return row.HasValue ? await ParseAsync(row.Value!, cancellationToken) : null;
    }

    public async Task<List<StoredAuditDigest>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var list = new List<StoredAuditDigest>();
        await foreach (var row in digests.QueryAsync<TableEntity>(e => e.PartitionKey == DigestPartition, cancellationToken: cancellationToken))
        {
            list.Add(await ParseAsync(row, cancellationToken));
        }

        return list;
    }

    public async Task<List<AuditDigestEntry>> EntriesForAsync(string instanceId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var list = new List<AuditDigestEntry>();
        string partition = EntriesPartition(instanceId);
        await foreach (var row in digests.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            list.Add(new AuditDigestEntry(row.RowKey, row.GetInt64("Seq") ?? 0, row.GetString("Hash") ?? string.Empty));
        }

        return list;
    }

    private async Task<StoredAuditDigest> ParseAsync(TableEntity row, CancellationToken cancellationToken)
    {
        string id = row.GetString("Id") ?? row.RowKey; // the chain-head row names its digest; a digest row is keyed by it
        string document = row.GetString("Document") ?? await ReadLargeDocumentAsync(row.GetString("DocPartition")!, cancellationToken);
        return new StoredAuditDigest(id, row.GetDateTime("CreatedAt") ?? default, row.GetInt32("HeadCount") ?? 0, row.GetString("Sha256") ?? string.Empty, document);
    }

    private static TableEntity RowOf(string partitionKey, string rowKey, StoredAuditDigest stored)
    {
        var row = new TableEntity(partitionKey, rowKey)
        {
            ["Id"] = stored.Id,
            ["Sha256"] = stored.Sha256,
            ["HeadCount"] = stored.HeadCount,
            ["CreatedAt"] = stored.CreatedAt,
        };
        if (stored.Document.Length <= MaxInline)
        {
            row["Document"] = stored.Document;
        }
        else
        {
            row["DocPartition"] = LargeDocumentPartition(stored);
        }

        return row;
    }

    // A digest over very many instances does not fit a table property: its chunks go to a partition named by the
    // document's own hash, so two hosts writing different documents for one id never mix their chunks.
    private static string LargeDocumentPartition(StoredAuditDigest stored) => "!doc|" + stored.Id + "|" + stored.Sha256;

    private async Task WriteLargeDocumentAsync(string partition, string document, CancellationToken cancellationToken)
    {
        int part = 0;
        foreach (var chunk in document.Chunk(MaxInline))
        {
            await digests.UpsertEntityAsync(new TableEntity(partition, part++.ToString("D6", CultureInfo.InvariantCulture)) { ["Text"] = new string(chunk) },
                TableUpdateMode.Replace, cancellationToken);
        }
    }

    private async Task<string> ReadLargeDocumentAsync(string partition, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        await foreach (var row in digests.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            parts.Add(row.GetString("Text") ?? string.Empty);
        }

        return string.Concat(parts);
    }
}
