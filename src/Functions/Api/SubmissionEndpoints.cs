using System.Text.Json;
using Governance.Durable;
using Governance.Functions.Hosting;
using Governance.Functions.Security;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Api;

/// <summary>
/// Step submissions: a person's step is decided by the instance at once (accepted, or refused with the rule), never
/// buffered for later. <c>Idempotency-Key</c> makes a retry safe; a step token (<c>?stepToken=ProgressReported%232</c>
/// or the <c>x-step-token</c> header) pins the occurrence the submitter means.
/// </summary>
public static class SubmissionEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string StepTokenHeader = "x-step-token";

    public static RouteGroupBuilder MapSubmissionApi(this RouteGroupBuilder api)
    {
        api.MapPost("/workflows/{id}/events/{eventName}", SubmitAsync).RequireAuthorization(Policies.Write)
            .WithName("SubmitStep").WithSummary("Submit a human step; answered with its outcome (200), or a refusal naming the rule (400) / 提交步骤结果")
            .Accepts<JsonElement>("application/json")
            .Produces<SubmissionResponse>(200).Produces<SubmissionResponse>(202)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);

        api.MapGet("/workflows/{id}/submissions/{submissionId}", GetOutcomeAsync).RequireAuthorization(Policies.Read)
            .WithName("GetSubmission").WithSummary("The outcome of a step submission / 提交结果")
            .Produces<SubmissionResponse>(200).Produces<SubmissionResponse>(202).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> SubmitAsync(
        string id, string eventName, HttpContext context, IWorkflowCatalog catalog, DurableTaskClient client, IOptions<ServiceSettings> settings,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            return Problems.InstanceNotFound(id);
        }

        var definition = WorkflowEndpoints.DefinitionFor(catalog, metadata.Name);
        var step = FindStep(definition, eventName);
        if (step is null)
        {
            return Problems.Result(404, "Not Found",
                $"Process '{definition?.Name ?? metadata.Name}' has no step named '{eventName}'. Steps: {string.Join(", ", definition?.Events.Select(e => e.Name) ?? [])}.",
                $"流程“{definition?.DisplayNameZh ?? metadata.Name}”没有名为“{eventName}”的步骤。", "eventName", "unknown-step");
        }

        return await SubmitStepAsync(context, client, settings.Value, metadata, definition, step, successStatus: 200, loggers, cancellationToken);
    }

    /// <summary>The catalog's step of that name, compared as the runtime compares event names (case-insensitive).</summary>
    internal static WorkflowEventDefinition? FindStep(WorkflowDefinition? definition, string eventName)
        => definition?.Events.FirstOrDefault(e => string.Equals(e.Name, eventName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Validates and submits a declared step; shared with the Durable Functions raiseEvent endpoint.</summary>
    internal static async Task<IResult> SubmitStepAsync(
        HttpContext context, DurableTaskClient client, ServiceSettings settings, OrchestrationMetadata metadata, WorkflowDefinition? definition,
        WorkflowEventDefinition step, int successStatus, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        string id = metadata.InstanceId;
        string? submissionId = context.Request.Headers[IdempotencyKeyHeader].FirstOrDefault();
        if (submissionId is not null && SubmissionIds.Validate(submissionId) is { } badKey)
        {
            return Problems.BadRequest($"{IdempotencyKeyHeader}: {badKey}", $"{IdempotencyKeyHeader} 无效：提交编号只能包含字母、数字和 - _ . :，且不超过{SubmissionIds.MaxLength}个字符。",
                IdempotencyKeyHeader, "invalid-idempotency-key");
        }

        string? stepToken = context.Request.Query["stepToken"].FirstOrDefault() ?? context.Request.Headers[StepTokenHeader].FirstOrDefault();
        if (stepToken is { Length: 0 or > 200 })
        {
            return Problems.BadRequest("stepToken must be 1-200 characters.", "步骤标识长度须为1至200个字符。", "stepToken", "invalid-step-token");
        }

        var (payload, error) = await StrictJson.ReadAsync(context.Request, step.PayloadType, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        string actor = WorkflowEndpoints.Actor(context);
        SubmissionOutcome outcome;
        try
        {
            outcome = await client.WithActor(actor).SubmitAsync(id, step.Name, payload,
                new SubmitOptions { SubmissionId = submissionId, StepToken = stepToken, WaitFor = settings.SubmissionWait }, cancellationToken);
        }
        catch (OrchestrationNotFoundException)
        {
            return Problems.InstanceNotFound(id);
        }

        loggers.CreateLogger("Governance.Functions.Submissions").LogInformation(
            "{Actor} submitted {Event} to instance {InstanceId}: {Status} ({Rule})", actor, step.Name, id, outcome.Status, outcome.Decision?.Rule);
        return Respond(metadata, definition, step, outcome, successStatus, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
    }

    private static IResult Respond(
        OrchestrationMetadata metadata, WorkflowDefinition? definition, WorkflowEventDefinition step, SubmissionOutcome outcome, int successStatus, DateTimeOffset now)
    {
        var decision = outcome.Decision;
        var extra = new Dictionary<string, object?> { ["submissionId"] = outcome.SubmissionId, ["eventName"] = step.Name };
        switch (outcome.Status)
        {
            case SubmissionStatus.Accepted:
                return Results.Json(ToResponse(outcome), statusCode: successStatus);
            case SubmissionStatus.Pending:
                var pending = ToResponse(outcome);
                return Results.Json(pending, statusCode: 202).WithLocation(pending.OutcomeUri);
            case SubmissionStatus.Rejected when Governance.Workflows.Common.StateConflictRules.Contains(decision?.Rule):
                // The body is fine but what it names is not in the state it needs (yet): the same body may be taken later,
                // under a new Idempotency-Key (this refusal stays the answer to its own key).
                return Problems.Result(409, "Conflict", decision!.MessageEn ?? "The submission conflicts with the current state.", decision.MessageZh ?? "提交与当前状态冲突。",
                    decision.Field, decision.Rule, extra);
            case SubmissionStatus.Rejected:
                return Problems.BadRequest(decision!.MessageEn ?? "The submission breaks a rule of the step.", decision.MessageZh ?? "提交不符合该步骤的规则。",
                    decision.Field, decision.Rule ?? "rejected", extra);
            case SubmissionStatus.IdempotencyConflict:
                return Problems.Conflict(decision!.MessageEn!, decision.MessageZh!, "idempotency-key-reused", extra);
            default:
                // Not awaited or wrong occurrence: say what the instance waits for, as it decided (the view may lag), with
                // due dates and names from the view.
                var awaiting = decision?.Awaiting;
                var view = awaiting is null ? metadata : metadata with { WaitingForEvents = awaiting.Select(a => a.EventName).Distinct(StringComparer.Ordinal).ToList() };
                var waiting = WorkflowEndpoints.Waiting(view, definition, Json.Status(metadata.SerializedCustomStatus), now)
                    .Select(w => w with { StepToken = awaiting?.FirstOrDefault(a => a.EventName == w.EventName)?.StepToken ?? w.StepToken }).ToList();
                var runtimeStatus = outcome.RuntimeStatus ?? metadata.RuntimeStatus;
                string list = waiting.Count == 0 ? "nothing" : string.Join(", ", waiting.Select(w => $"{w.StepToken ?? w.EventName} ({w.StepEn})"));
                string listZh = waiting.Count == 0 ? "无" : string.Join("、", waiting.Select(w => $"{w.StepZh ?? w.EventName}（{w.StepToken ?? w.EventName}）"));
                extra["runtimeStatus"] = runtimeStatus.ToString();
                extra["waitingFor"] = waiting;
                bool wrongStep = outcome.Status == SubmissionStatus.WrongStep;
                return Problems.Conflict(
                    wrongStep
                        ? $"{decision?.MessageEn} Instance '{metadata.InstanceId}' waits for: {list}."
                        : $"{decision?.MessageEn} The submission to instance '{metadata.InstanceId}' ({runtimeStatus}) was refused and nothing was kept for later. It waits for: {list}.",
                    wrongStep
                        ? $"{decision?.MessageZh}实例正在等待：{listZh}。"
                        : $"实例“{metadata.InstanceId}”（{runtimeStatus}）现在不等待“{step.DisplayNameZh}”，提交被拒绝且不予保留。正在等待：{listZh}。",
                    wrongStep ? "wrong-step-token" : "step-not-awaited", extra);
        }
    }

    private static async Task<IResult> GetOutcomeAsync(string id, string submissionId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var outcome = await client.GetSubmissionAsync(id, submissionId, cancellationToken);
        if (outcome is null)
        {
            return Problems.NotFound($"Instance '{id}' has no submission '{submissionId}'.", $"实例“{id}”没有编号为“{submissionId}”的提交。", "submissionId");
        }

        return Results.Json(ToResponse(outcome), statusCode: outcome.IsDecided ? 200 : 202);
    }

    private static SubmissionResponse ToResponse(SubmissionOutcome outcome)
    {
        var d = outcome.Decision;
        JsonElement? result = d?.Result is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
        string summary = outcome.Status switch
        {
            SubmissionStatus.Accepted => d?.SummaryEn ?? "Accepted.",
            SubmissionStatus.Pending => "Sent; the instance has not decided it yet. Read the outcome at outcomeUri.",
            _ => d?.MessageEn ?? outcome.Status.ToString(),
        };
        string summaryZh = outcome.Status switch
        {
            SubmissionStatus.Accepted => d?.SummaryZh ?? "已受理。",
            SubmissionStatus.Pending => "已提交，流程尚未处理完毕，请稍后按 outcomeUri 查询结果。",
            _ => d?.MessageZh ?? outcome.Status.ToString(),
        };
        return new SubmissionResponse(outcome.InstanceId, outcome.SubmissionId, outcome.EventName, outcome.Status.ToString(), d?.StepToken,
            summary, summaryZh, result, outcome.Actor, outcome.DecidedAt,
            $"/api/workflows/{Uri.EscapeDataString(outcome.InstanceId)}/submissions/{Uri.EscapeDataString(outcome.SubmissionId)}");
    }

    private static IResult WithLocation(this IResult result, string location) => new LocationResult(result, location);

    private sealed class LocationResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
