using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Governance.Durable.Audit;

/// <summary>
/// The byte form a record's hash is computed over: compact UTF-8 JSON with the fields in a fixed order, figures sorted
/// by ordinal key, times as ISO 8601 UTC with 7 fractional digits, no escaping beyond what JSON requires. Version 1;
/// a change here would need a new version tag so that older trails still verify.
/// </summary>
public static class AuditCanonicalForm
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Bytes(AuditRecord record)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("v", 1);
            w.WriteString("instanceId", record.InstanceId);
            w.WriteNumber("seq", record.Sequence);
            w.WriteString("kind", record.Kind);
            w.WriteString("actor", record.Actor);
            w.WriteString("at", FormatUtc(record.At));
            w.WriteString("atChina", record.AtChina);
            w.WriteString("executionId", record.ExecutionId ?? string.Empty);
            w.WriteStartObject("figures");
            foreach (var (key, value) in record.Figures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteString("prev", record.PreviousHash);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of the canonical form.</summary>
    public static string HashOf(AuditRecord record) => Convert.ToHexStringLower(SHA256.HashData(Bytes(record)));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string FormatUtc(DateTime at)
        => DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>China Standard Time (UTC+8, no daylight saving), as staff read it.</summary>
    public static string FormatChina(DateTime utc)
        => DateTime.SpecifyKind(utc, DateTimeKind.Utc).AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +08:00";
}
