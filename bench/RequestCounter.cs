using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Governance.Bench;

/// <summary>
/// Azure SDK pipeline policy that counts storage requests by service, operation and target (table / queue kind).
/// Added PerCall (one count per logical call) and, as a second instance, PerRetry (one count per HTTP attempt),
/// so retries show up as the difference. Calls made while <see cref="ClientWait"/> is set (the benchmark's own
/// WaitForInstanceCompletionAsync polling) are counted under a "client-wait" prefix, apart from the runtime's.
/// </summary>
public sealed class RequestCounter : HttpPipelinePolicy
{
    private static readonly AsyncLocal<bool> clientWait = new();
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> ticks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> maxTicks = new(StringComparer.Ordinal);
    private readonly string hubLower;
    private long total;

    public RequestCounter(string hubName) => hubLower = hubName.ToLowerInvariant();

    /// <summary>Marks the calls of the current async flow as the benchmark's own polling.</summary>
    public static bool ClientWait
    {
        get => clientWait.Value;
        set => clientWait.Value = value;
    }

    public long Total => Interlocked.Read(ref total);

    public Dictionary<string, long> Snapshot() => new(counts, StringComparer.Ordinal);

    public static Dictionary<string, long> Diff(Dictionary<string, long> after, Dictionary<string, long> before)
        => after.Keys.Union(before.Keys).ToDictionary(k => k, k => after.GetValueOrDefault(k) - before.GetValueOrDefault(k));

    /// <summary>Total time spent in calls (request sent → response received, including retries below a PerCall policy), by key.</summary>
    public Dictionary<string, TimeSpan> TimeSnapshot() => ticks.ToDictionary(kv => kv.Key, kv => TimeSpan.FromTicks(kv.Value), StringComparer.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        string key = Count(message);
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        ProcessNext(message, pipeline);
        ticks.AddOrUpdate(key, System.Diagnostics.Stopwatch.GetElapsedTime(t0).Ticks, (_, n) => n + System.Diagnostics.Stopwatch.GetElapsedTime(t0).Ticks);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        string key = Count(message);
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline);
        long elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(t0).Ticks;
        ticks.AddOrUpdate(key, elapsed, (_, n) => n + elapsed);
        maxTicks.AddOrUpdate(key, elapsed, (_, n) => Math.Max(n, elapsed));
    }

    /// <summary>Slowest single call per key since the last reset.</summary>
    public Dictionary<string, TimeSpan> MaxSnapshot(bool reset = false)
    {
        var result = maxTicks.ToDictionary(kv => kv.Key, kv => TimeSpan.FromTicks(kv.Value), StringComparer.Ordinal);
        if (reset)
        {
            maxTicks.Clear();
        }

        return result;
    }

    private string Count(HttpMessage message)
    {
        Interlocked.Increment(ref total);
        string key = Classify(message.Request);
        if (ClientWait)
        {
            key = "client-wait " + key;
        }

        counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        return key;
    }

    /// <summary>"service Operation target", e.g. "table Batch History", "queue Put control", "blob Lease renew".</summary>
    private string Classify(Request request)
    {
        string method = request.Method.Method;
        string path = Uri.UnescapeDataString(request.Uri.Path); // /devstoreaccount1/...
        string query = request.Uri.Query ?? string.Empty;
        string[] segments = path.Trim('/').Split('/', 2);
        string rest = segments.Length > 1 ? segments[1] : string.Empty;
        // Distinguish the service by what the URL looks like (Azurite runs each service on its own port).
        if (rest.StartsWith("$batch", StringComparison.Ordinal))
        {
            return "table Batch " + BatchTarget(request);
        }

        if (rest.StartsWith("Tables", StringComparison.Ordinal))
        {
            return "table CreateTable";
        }

        if (rest.Contains("/messages", StringComparison.Ordinal))
        {
            string queue = QueueKind(rest[..rest.IndexOf('/')]);
            bool hasReceipt = query.Contains("popreceipt=", StringComparison.OrdinalIgnoreCase);
            string op = method switch
            {
                "GET" => query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) ? "Peek" : "Receive",
                "POST" => "Put",
                "DELETE" => hasReceipt ? "Delete" : "Clear",
                "PUT" => "Update",
                _ => method,
            };
            return $"queue {op} {queue}";
        }

        if (rest.StartsWith(hubLower + "-", StringComparison.Ordinal))
        {
            // Queue or container level, or a blob.
            string name = rest.Split('/')[0];
            bool isContainer = name.EndsWith("-leases", StringComparison.Ordinal) || name.EndsWith("-payloads", StringComparison.Ordinal);
            if (isContainer)
            {
                string kind = name[(hubLower.Length + 1)..];
                if (query.Contains("comp=lease", StringComparison.Ordinal))
                {
                    string action = request.Headers.TryGetValue("x-ms-lease-action", out var a) ? a! : "?";
                    return $"blob Lease-{action} {kind}";
                }

                if (query.Contains("comp=list", StringComparison.Ordinal))
                {
                    return $"blob List {kind}";
                }

                if (query.Contains("comp=metadata", StringComparison.Ordinal))
                {
                    return $"blob SetMetadata {kind}";
                }

                if (query.Contains("restype=container", StringComparison.Ordinal))
                {
                    return $"blob {method}-container {kind}";
                }

                return $"blob {method} {kind}";
            }

            return $"queue {method}{(query.Length > 0 ? "?" + query.TrimStart('?').Split('&')[0] : string.Empty)} {QueueKind(name)}";
        }

        // Table entity operations: Table(PartitionKey='..',RowKey='..') or Table() / Table.
        int paren = rest.IndexOf('(');
        string table = paren >= 0 ? rest[..paren] : rest;
        string target = StripHub(table);
        bool entity = paren >= 0 && rest.Length > paren + 2;
        string tableOp = (method, entity) switch
        {
            ("GET", true) => "GetEntity",
            ("GET", false) => "Query",
            ("POST", false) => "Insert",
            ("PUT", true) => request.Headers.TryGetValue("If-Match", out _) ? "Update" : "Upsert",
            ("MERGE", true) or ("PATCH", true) => request.Headers.TryGetValue("If-Match", out _) ? "Merge" : "UpsertMerge",
            ("DELETE", true) => "DeleteEntity",
            _ => method,
        };
        return $"table {tableOp} {target}";
    }

    private string StripHub(string table)
        => table.StartsWith(hubLower, StringComparison.OrdinalIgnoreCase) ? table[hubLower.Length..] : table;

    private string QueueKind(string queueName)
    {
        string kind = queueName.StartsWith(hubLower + "-", StringComparison.Ordinal) ? queueName[(hubLower.Length + 1)..] : queueName;
        return kind.StartsWith("control-", StringComparison.Ordinal) ? "control" : kind;
    }

    /// <summary>The table of a batch is inside its multipart body; the runtime only batches the History table.</summary>
    private static string BatchTarget(Request request) => "History";
}
