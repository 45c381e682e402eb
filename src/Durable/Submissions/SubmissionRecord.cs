using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Governance.Durable.Storage;

namespace Governance.Durable.Submissions;

/// <summary>
/// The outcome row of one submission, kept in the instance's history partition (row key <c>3|sub|{id}</c>, after the
/// history rows so loading an instance never reads them). The client inserts it as pending before sending (which
/// claims the idempotency key with the body's hash); the step that decides the submission replaces it in its commit.
/// </summary>
internal sealed record SubmissionRecord(
    string SubmissionId,
    string EventName,
    string BodyHash,
    string? Actor,
    DateTime ReceivedAt,
    DateTime? DecidedAt,
    SubmissionDecision? Decision,
    int Attempt = 1)
{
    public const string RowKeyPrefix = "3|sub|";

    [JsonIgnore]
    public SubmissionStatus Status => Decision?.Status ?? SubmissionStatus.Pending;

    [JsonIgnore]
    public bool IsDecidedRecord => Decision is not null;

    public static string RowKeyOf(string submissionId) => RowKeyPrefix + submissionId;

    /// <summary>Hash of what was submitted: event name (case-insensitive, as the runtime matches it), step token and body.</summary>
    public static string HashOf(string eventName, string? stepToken, string? body)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{eventName.ToUpperInvariant()}\n{stepToken}\n{body}")));

    public static SubmissionRecord Decided(SubmissionEvent e, DateTime decidedAt)
        => new(e.SubmissionId, e.Name, e.BodyHash, e.Actor, e.Timestamp, decidedAt, e.Decision, e.Attempt);

    /// <summary>
    /// Only an acceptance is final for a submission id. A refusal (rule broken, not awaited, wrong occurrence) recorded
    /// nothing in the process, so the same submission may be sent again under the same id, e.g. once the step opens.
    /// </summary>
    [JsonIgnore]
    public bool IsFinal => Decision?.Status == SubmissionStatus.Accepted;

    /// <summary>The control message of one attempt (each attempt is decided, and recorded, on its own).</summary>
    public string MessageId(string instanceId) => Attempt == 1 ? $"{instanceId}|sub|{SubmissionId}" : $"{instanceId}|sub|{SubmissionId}|{Attempt}";

    public SubmissionOutcome ToOutcome(string instanceId, OrchestrationRuntimeStatus? runtimeStatus = null) => new(
        instanceId, SubmissionId, EventName, Status, Decision, Actor,
        DecidedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null, runtimeStatus);
}

/// <summary>Reads and writes <see cref="SubmissionRecord"/> rows.</summary>
internal sealed class SubmissionStore(TaskHubStore store)
{
    public static TableEntity ToEntity(string instanceId, SubmissionRecord record, string data) => new(instanceId, SubmissionRecord.RowKeyOf(record.SubmissionId))
    {
        ["Data"] = data,
        ["Status"] = record.Status.ToString(),
        ["EventName"] = record.EventName,
    };

    public async Task<TableEntity> EntityAsync(string instanceId, SubmissionRecord record)
        => ToEntity(instanceId, record, (await store.OffloadAsync(instanceId, JsonSerializer.Serialize(record, DurableJson.Options)))!);

    /// <summary>Claims the submission id; false when a record of it exists already.</summary>
    public async Task<bool> TryInsertPendingAsync(string instanceId, SubmissionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await store.History.AddEntityAsync(await EntityAsync(instanceId, record), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Starts another attempt of a refused submission; false when a concurrent caller changed the record first.</summary>
    public async Task<bool> TryRestartAsync(string instanceId, SubmissionRecord record, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await store.History.UpdateEntityAsync(await EntityAsync(instanceId, record), etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<(SubmissionRecord Record, ETag ETag)?> ReadWithETagAsync(string instanceId, string submissionId, CancellationToken cancellationToken)
    {
        var row = await store.History.GetEntityIfExistsAsync<TableEntity>(instanceId, SubmissionRecord.RowKeyOf(submissionId), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var record = JsonSerializer.Deserialize<SubmissionRecord>((await store.ResolveAsync(row.Value!.GetString("Data")))!, DurableJson.Options)!;
        return (record, row.Value.ETag);
    }

    public async Task<SubmissionRecord?> ReadAsync(string instanceId, string submissionId, CancellationToken cancellationToken)
    {
        var row = await store.History.GetEntityIfExistsAsync<TableEntity>(instanceId, SubmissionRecord.RowKeyOf(submissionId), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        return JsonSerializer.Deserialize<SubmissionRecord>((await store.ResolveAsync(row.Value!.GetString("Data")))!, DurableJson.Options);
    }
}
