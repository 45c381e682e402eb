using System.Text.Json;
using System.Text.Json.Nodes;
using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Functions.Api;

/// <summary>Durable Functions' check-status payload (CreateCheckStatusResponse).</summary>
public sealed record CheckStatusPayload(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string SuspendPostUri,
    string ResumePostUri,
    string PurgeHistoryDeleteUri,
    string StatusUri);

public sealed record CatalogEntry(
    string Name,
    string DisplayNameZh,
    string DisplayNameEn,
    string OrchestratorName,
    JsonNode InputSchema,
    IReadOnlyList<CatalogEvent> Events,
    string? StartedBy = null);

/// <summary>One execution of an instance (a process that continues as new has one per year): its number, id and timeline.</summary>
public sealed record ExecutionView(int Number, string ExecutionId, string HistoryUri);

public sealed record CatalogEvent(string Name, string DisplayNameZh, string DisplayNameEn, string ResponsibleRole, JsonNode PayloadSchema);

public sealed record WaitingStep(
    string EventName,
    string? StepZh,
    string? StepEn,
    string? ResponsibleRole,
    DateOnly? DueDate,
    DateTimeOffset? DueAt,
    bool Overdue,
    int? EscalationLevel,
    string? EscalationLevelName,
    string? StepToken = null,
    ProvisionalDueDate? Provisional = null);

public sealed record InstanceSummary(
    string InstanceId,
    string? Workflow,
    string OrchestratorName,
    string? DisplayNameZh,
    string? DisplayNameEn,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    string? CurrentStepZh,
    string? CurrentStepEn,
    IReadOnlyDictionary<string, string> Tags);

public sealed record InstanceDetail(
    string InstanceId,
    string? Workflow,
    string OrchestratorName,
    string? DisplayNameZh,
    string? DisplayNameEn,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    DateTimeOffset? CompletedTime,
    string? CurrentStepZh,
    string? CurrentStepEn,
    IReadOnlyList<WaitingStep> WaitingFor,
    DateTimeOffset? NextTimerDueAt,
    IReadOnlyDictionary<string, string> Tags,
    JsonElement? CustomStatus,
    JsonElement? Input,
    JsonElement? Output,
    FailureSummary? Failure);

/// <summary>Why an instance failed, without the stack trace (that stays in the service's logs: it shows server paths).</summary>
public sealed record FailureSummary(string ErrorType, string ErrorMessage, FailureSummary? InnerFailure)
{
    public static FailureSummary? From(TaskFailureDetails? details)
        => details is null ? null : new(details.ErrorType, details.ErrorMessage, From(details.InnerFailure));
}

public sealed record SearchResult(IReadOnlyList<InstanceSummary> Items, string? ContinuationToken);

public sealed record InboxItem(
    string InstanceId,
    string? Workflow,
    string? WorkflowZh,
    string EventName,
    string StepZh,
    string StepEn,
    string ResponsibleRole,
    DateOnly DueDate,
    DateTimeOffset DueAt,
    bool Overdue,
    int EscalationLevel,
    string EscalationLevelName,
    bool Awaited,
    string? Street,
    string? Community,
    string SubmitUri,
    string? StepToken = null,
    ProvisionalDueDate? Provisional = null);

/// <summary>
/// The outcome of a step submission: <c>Accepted</c> with a one-line summary (English, Chinese) and the step's
/// result, or <c>Pending</c> while the instance has not decided it yet (read it again at <see cref="OutcomeUri"/>).
/// Refusals are problem details (400 rule broken, 409 not awaited / wrong step / key reused).
/// </summary>
public sealed record SubmissionResponse(
    string InstanceId,
    string SubmissionId,
    string EventName,
    string Status,
    string? StepToken,
    string? Summary,
    string? SummaryZh,
    JsonElement? Result,
    string? By,
    DateTimeOffset? DecidedAt,
    string OutcomeUri);

internal static class Json
{
    public static JsonElement? Element(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }

    public static WorkflowStatus? Status(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<WorkflowStatus>(json, DurableJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
