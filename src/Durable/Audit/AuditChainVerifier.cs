using System.Globalization;
using Azure.Data.Tables;

namespace Governance.Durable.Audit;

/// <summary>The first record that does not hold up, and why (a stable reason code and words in English and Chinese).</summary>
public sealed record AuditMismatch(long Sequence, string Reason, string Detail, string DetailZh);

/// <summary>Outcome of verifying one trail: intact, or the first mismatch.</summary>
public sealed record AuditVerification(string InstanceId, bool Intact, long RecordCount, string? HeadHash, int DigestEntriesChecked, AuditMismatch? FirstMismatch);

/// <summary>An entry of a digest naming an instance's chain head at the digest's time.</summary>
public sealed record AuditDigestEntry(string DigestId, long Sequence, string Hash);

/// <summary>
/// Recomputes a trail from the rows as stored: each record's hash over its canonical form, its place (row key and
/// sequence), its link to the previous record, the head row, and the digests that named a head of this trail. The
/// first problem in sequence order is reported: an edited record (hash), a removed one (gap), two swapped (sequence
/// not matching its place), a rewritten chain (a digest no longer matching).
/// </summary>
public static class AuditChainVerifier
{
    public const string Unreadable = "unreadable";
    public const string HashMismatch = "hash-mismatch";
    public const string Missing = "missing";
    public const string OutOfPlace = "out-of-place";
    public const string WrongInstance = "wrong-instance";
    public const string BrokenLink = "broken-link";
    public const string HeadMismatch = "head-mismatch";
    public const string DigestMismatch = "digest-mismatch";

    internal static AuditVerification Verify(string instanceId, IReadOnlyList<TableEntity> rows, TableEntity? head, IReadOnlyList<AuditDigestEntry> digests)
    {
        var hashes = new List<string>();
        string previous = AuditRecord.GenesisHash;
        long expected = 1;
        AuditVerification Fail(AuditMismatch m) => new(instanceId, false, rows.Count, head?.GetString("Hash"), digests.Count, m);

        foreach (var row in rows)
        {
            long place = long.TryParse(row.RowKey.AsSpan(AuditLedger.RecordPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long p) ? p : -1;
            if (place != expected)
            {
                return Fail(new(expected, Missing, $"Record {expected} is missing (the next stored record is at place {place}).",
                    $"第 {expected} 条记录缺失（下一条存储的记录位于第 {place} 位）。"));
            }

            var record = AuditLedger.Parse(row);
            if (record is null)
            {
                return Fail(new(place, Unreadable, $"Record {place} cannot be read.", $"第 {place} 条记录无法读取。"));
            }

            if (record.Sequence != place)
            {
                return Fail(new(place, OutOfPlace, $"The record stored at place {place} says it is record {record.Sequence}: records were moved or swapped.",
                    $"第 {place} 位存储的记录自称第 {record.Sequence} 条：记录被移动或调换。"));
            }

            if (!string.Equals(record.InstanceId, instanceId, StringComparison.Ordinal))
            {
                return Fail(new(place, WrongInstance, $"Record {place} belongs to instance '{record.InstanceId}'.", $"第 {place} 条记录属于另一个实例“{record.InstanceId}”。"));
            }

            string recomputed = AuditCanonicalForm.HashOf(record);
            if (!string.Equals(recomputed, record.Hash, StringComparison.Ordinal))
            {
                return Fail(new(place, HashMismatch, $"Record {place} was altered: its content hashes to {recomputed}, it states {record.Hash}.",
                    $"第 {place} 条记录被改动：内容的哈希为 {recomputed}，记录所载为 {record.Hash}。"));
            }

            if (!string.Equals(record.PreviousHash, previous, StringComparison.Ordinal))
            {
                return Fail(new(place, BrokenLink, $"Record {place} does not follow record {place - 1}: its previous hash {record.PreviousHash} differs from {previous}.",
                    $"第 {place} 条记录与第 {place - 1} 条不衔接：所载前一哈希 {record.PreviousHash} 与 {previous} 不符。"));
            }

            hashes.Add(record.Hash);
            previous = record.Hash;
            expected++;
        }

        long headSequence = head?.GetInt64("Seq") ?? 0;
        if (headSequence > hashes.Count)
        {
            return Fail(new(hashes.Count + 1, Missing, $"Record {hashes.Count + 1} is missing: the trail's head says it has {headSequence} records.",
                $"第 {hashes.Count + 1} 条记录缺失：记录链头显示共有 {headSequence} 条。"));
        }

        if (head is not null && (headSequence < hashes.Count || !string.Equals(head.GetString("Hash"), previous, StringComparison.Ordinal)))
        {
            return Fail(new(headSequence, HeadMismatch, $"The trail's head (record {headSequence}, {head.GetString("Hash")}) does not match the stored records.",
                $"记录链头（第 {headSequence} 条，{head.GetString("Hash")}）与存储的记录不符。"));
        }

        foreach (var digest in digests.OrderBy(d => d.Sequence))
        {
            if (digest.Sequence > hashes.Count)
            {
                return Fail(new(hashes.Count + 1, Missing, $"Record {digest.Sequence} is named by digest {digest.DigestId} but the trail has {hashes.Count} records.",
                    $"摘要 {digest.DigestId} 记载了第 {digest.Sequence} 条记录，但记录链只有 {hashes.Count} 条。"));
            }

            if (!string.Equals(hashes[(int)digest.Sequence - 1], digest.Hash, StringComparison.Ordinal))
            {
                return Fail(new(digest.Sequence, DigestMismatch, $"Record {digest.Sequence} does not match digest {digest.DigestId}: the chain up to it was rewritten.",
                    $"第 {digest.Sequence} 条记录与摘要 {digest.DigestId} 不符：此前的记录链被改写。"));
            }
        }

        return new(instanceId, true, hashes.Count, hashes.Count > 0 ? previous : null, digests.Count, null);
    }
}
