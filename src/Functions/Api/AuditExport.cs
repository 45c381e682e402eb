using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Governance.Durable;
using Governance.Durable.Audit;

namespace Governance.Functions.Api;

/// <summary>
/// The export an auditor takes away: <c>trails.jsonl</c> (one record per line, as stored), <c>trails.csv</c> (UTF-8 with
/// BOM for Excel), <c>verification.jsonl</c> (each trail's verification at export time), <c>digests/{id}.json</c> (each
/// digest's document byte for byte) and <c>manifest.json</c> (the search, counts and the SHA-256 of every other file).
/// </summary>
internal static class AuditExport
{
    /// <summary>Trails one export may hold: a larger search is refused rather than cut short without saying so.</summary>
    public const int MaxTrails = 10_000;

    /// <summary>The zip, or null when the search matches more than <paramref name="maxTrails"/> trails.</summary>
    /// <param name="year">The year searched: trails whose executions covered it (see <see cref="AuditTrail.SearchAsync"/>).</param>
    public static async Task<byte[]?> BuildAsync(AuditTrail trail, TimeProvider clock, string? name, IReadOnlyDictionary<string, string> tags,
        CancellationToken ct, int maxTrails = MaxTrails, KeyValuePair<string, string>? year = null)
    {
        var found = await trail.SearchAsync(name, tags, maxTrails + 1, ct, year);
        if (found.Count > maxTrails)
        {
            return null;
        }

        var heads = found.OrderBy(h => h.InstanceId, StringComparer.Ordinal).ToList();
        var jsonl = new StringBuilder();
        var csv = new StringBuilder("instance_id,seq,kind,actor,time_china,time_utc,figures,prev_hash,hash\r\n");
        var verification = new StringBuilder();
        int recordCount = 0;
        foreach (var head in heads)
        {
            // One read per trail gives both its records and their verification (they are checked as exported).
            var read = await trail.ReadVerifiedAsync(head.InstanceId, ct);
            foreach (var r in read?.Records ?? [])
            {
                recordCount++;
                jsonl.Append(JsonSerializer.Serialize(r, DurableJson.Options)).Append('\n');
                string figures = string.Join("; ", r.Figures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
                csv.AppendJoin(',', new[] { r.InstanceId, r.Sequence.ToString(), r.Kind, r.Actor, r.AtChina, AuditCanonicalForm.FormatUtc(r.At), figures, r.PreviousHash, r.Hash }
                    .Select(v => Csv(v))).Append("\r\n");
            }

            if (read is not null)
            {
                verification.Append(JsonSerializer.Serialize(read.Verification, DurableJson.Options)).Append('\n');
            }
        }

        var files = new List<(string Name, byte[] Bytes)>
        {
            ("trails.jsonl", Encoding.UTF8.GetBytes(jsonl.ToString())),
            ("trails.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())]),
            ("verification.jsonl", Encoding.UTF8.GetBytes(verification.ToString())),
        };
        foreach (var digest in await trail.ListDigestsAsync(ct))
        {
            files.Add(($"digests/{digest.Id}.json", Encoding.UTF8.GetBytes(digest.Document)));
        }

        var manifest = new
        {
            createdAt = clock.GetUtcNow().UtcDateTime,
            search = new { process = name, tags, year = year?.Value },
            instances = heads.Select(h => new { h.InstanceId, h.Name, h.Sequence, h.Hash, h.Purged }).ToList(),
            recordCount,
            files = files.Select(f => new { name = f.Name, bytes = f.Bytes.Length, sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f.Bytes)) }).ToList(),
        };
        files.Add(("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions(DurableJson.Options) { WriteIndented = true })));

        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (fileName, bytes) in files)
            {
                using var entry = zip.CreateEntry(fileName, CompressionLevel.Optimal).Open();
                entry.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    private static string Csv(string value) => HistoryTimeline.Cell(value);
}
