using System.Text.Json;
using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Storage;

namespace Governance.Durable;

/// <summary>Mapping between <see cref="InstanceState"/> and a row of the Instances table (the query projection).</summary>
internal static class InstanceEntity
{
    public static TableEntity From(InstanceState s)
    {
        var row = Row(s);
        foreach (var (key, value) in s.Tags)
        {
            row[InstanceTags.ColumnName(key)] = value; // searchable server-side, see InstanceTags
        }

        return row;
    }

    private static TableEntity Row(InstanceState s) => new(s.InstanceId, string.Empty)
    {
        ["Name"] = s.Name,
        ["Version"] = s.Version,
        ["RuntimeStatus"] = s.Status.ToString(),
        ["CreatedTime"] = Utc(s.CreatedAt),
        ["LastUpdatedTime"] = Utc(s.LastUpdatedAt),
        ["CompletedTime"] = s.CompletedAt is { } c ? Utc(c) : null,
        ["ScheduledStartTime"] = s.ScheduledStartAt is { } st ? Utc(st) : null,
        ["ExecutionId"] = s.ExecutionId,
        ["Generation"] = s.Generation,
        ["ParentInstanceId"] = s.Parent?.InstanceId,
        ["Input"] = s.Input,
        ["Output"] = s.Output,
        ["CustomStatus"] = s.CustomStatus,
        ["FailureDetails"] = s.Failure is null ? null : JsonSerializer.Serialize(s.Failure, DurableJson.Options),
        ["Tags"] = JsonSerializer.Serialize(s.Tags, DurableJson.Options),
        ["WaitingForEvents"] = JsonSerializer.Serialize(s.WaitingForEvents, DurableJson.Options),
        ["NextTimerDueAt"] = s.NextTimerDueAt is { } t ? Utc(t) : null,
        ["HistoryEventCount"] = s.HistoryCount,
    };

    public static OrchestrationMetadata ToMetadata(TableEntity e, bool includePayloads) => new(e.GetString("Name") ?? string.Empty, e.PartitionKey)
    {
        RuntimeStatus = Enum.TryParse<OrchestrationRuntimeStatus>(e.GetString("RuntimeStatus"), out var status) ? status : OrchestrationRuntimeStatus.Pending,
        CreatedAt = e.GetDateTimeOffset("CreatedTime") ?? default,
        LastUpdatedAt = e.GetDateTimeOffset("LastUpdatedTime") ?? default,
        CompletedAt = e.GetDateTimeOffset("CompletedTime"),
        ScheduledStartAt = e.GetDateTimeOffset("ScheduledStartTime"),
        Version = e.GetString("Version") ?? string.Empty,
        ExecutionId = e.GetString("ExecutionId"),
        Generation = e.GetInt32("Generation") ?? 0,
        ParentInstanceId = e.GetString("ParentInstanceId"),
        SerializedInput = includePayloads ? e.GetString("Input") : null,
        SerializedOutput = includePayloads ? e.GetString("Output") : null,
        SerializedCustomStatus = e.GetString("CustomStatus"),
        FailureDetails = e.GetString("FailureDetails") is { } f ? JsonSerializer.Deserialize<TaskFailureDetails>(f, DurableJson.Options) : null,
        Tags = e.GetString("Tags") is { } t ? JsonSerializer.Deserialize<Dictionary<string, string>>(t, DurableJson.Options)! : new Dictionary<string, string>(),
        WaitingForEvents = e.GetString("WaitingForEvents") is { } w ? JsonSerializer.Deserialize<List<string>>(w, DurableJson.Options)! : [],
        NextTimerDueAt = e.GetDateTimeOffset("NextTimerDueAt"),
        HistoryEventCount = e.GetInt32("HistoryEventCount") ?? 0,
    };

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
