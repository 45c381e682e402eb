using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Governance.Durable;
using Governance.Functions.Hosting;
using Governance.Functions.Security;
using Governance.Workflows.Catalog;

namespace Governance.Functions.Api;

/// <summary>
/// The Durable Functions HTTP management API (/runtime/webhooks/durabletask), same routes, query parameters,
/// status codes and JSON shapes, so existing tools and scripts work against this host.
/// </summary>
public static class ManagementEndpoints
{
    public const string Prefix = "/runtime/webhooks/durabletask";
    public const string ContinuationHeader = "x-ms-continuation-token";

    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix + "/instances").WithTags("Durable Functions management API");

        api.MapGet("/{id}", GetStatusAsync).RequireAuthorization(Policies.Read)
            .WithName("DfGetStatus").WithSummary("Instance status (showHistory, showHistoryOutput, showInput)")
            .Produces<JsonObject>(200).Produces<JsonObject>(202).ProducesProblem(404);
        api.MapGet("", ListAsync).RequireAuthorization(Policies.Read)
            .WithName("DfListInstances").WithSummary("List instances (runtimeStatus, createdTimeFrom/To, instanceIdPrefix, top; x-ms-continuation-token)")
            .Produces<JsonArray>(200).ProducesProblem(400);
        api.MapPost("/{id}/raiseEvent/{eventName}", RaiseEventAsync).RequireAuthorization(Policies.Write)
            .WithName("DfRaiseEvent").WithSummary("Raise an event").Accepts<JsonElement>("application/json")
            .Produces(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(410).ProducesProblem(413);
        api.MapPost("/{id}/terminate", TerminateAsync).RequireAuthorization(Policies.Admin)
            .WithName("DfTerminate").WithSummary("Terminate (admin)").Produces(202).ProducesProblem(404).ProducesProblem(410);
        api.MapPost("/{id}/suspend", SuspendAsync).RequireAuthorization(Policies.Admin)
            .WithName("DfSuspend").WithSummary("Suspend (admin)").Produces(202).ProducesProblem(404).ProducesProblem(410);
        api.MapPost("/{id}/resume", ResumeAsync).RequireAuthorization(Policies.Admin)
            .WithName("DfResume").WithSummary("Resume (admin)").Produces(202).ProducesProblem(404).ProducesProblem(410);
        api.MapDelete("", PurgeManyAsync).RequireAuthorization(Policies.Admin)
            .WithName("DfPurgeMany").WithSummary("Purge finished instances by createdTimeFrom (required), createdTimeTo and runtimeStatus (admin)")
            .Produces<JsonObject>(200).ProducesProblem(400);
        api.MapDelete("/{id}", PurgeAsync).RequireAuthorization(Policies.Admin)
            .WithName("DfPurge").WithSummary("Purge a finished instance's history (admin)").Produces<JsonObject>(200).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<IResult> GetStatusAsync(string id, HttpContext context, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var q = context.Request.Query;
        if (WorkflowEndpoints.ParseBool(q["showHistory"], "showHistory", out bool? showHistory) is { } e1)
        {
            return e1;
        }

        if (WorkflowEndpoints.ParseBool(q["showHistoryOutput"], "showHistoryOutput", out bool? showHistoryOutput) is { } e2)
        {
            return e2;
        }

        if (WorkflowEndpoints.ParseBool(q["showInput"], "showInput", out bool? showInput) is { } e3)
        {
            return e3;
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return Problems.InstanceNotFound(id);
        }

        var status = Status(metadata, showInput ?? true);
        if (showHistory == true)
        {
            var history = await client.GetInstanceHistoryAsync(id, null, cancellationToken);
            status["historyEvents"] = History(history, showHistoryOutput == true);
        }

        bool inProgress = metadata.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.ContinuedAsNew;
        if (inProgress)
        {
            context.Response.Headers.Location = WorkflowEndpoints.CheckStatus(context.Request, id).StatusQueryGetUri;
            context.Response.Headers.RetryAfter = "10";
        }

        return Results.Json(status, statusCode: inProgress ? 202 : 200);
    }

    private static async Task<IResult> ListAsync(HttpContext context, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        if (WorkflowEndpoints.ParseStatuses(q["runtimeStatus"].ToString(), "runtimeStatus", out var statuses) is { } e1)
        {
            return e1;
        }

        if (WorkflowEndpoints.ParseTime(q["createdTimeFrom"], "createdTimeFrom", out var from) is { } e2)
        {
            return e2;
        }

        if (WorkflowEndpoints.ParseTime(q["createdTimeTo"], "createdTimeTo", out var to) is { } e3)
        {
            return e3;
        }

        if (WorkflowEndpoints.ParseTop(q["top"], 100, 1000, out int top) is { } e4)
        {
            return e4;
        }

        if (WorkflowEndpoints.ParseBool(q["showInput"], "showInput", out bool? showInput) is { } e5)
        {
            return e5;
        }

        string? prefix = q["instanceIdPrefix"].FirstOrDefault();
        string? token = context.Request.Headers[ContinuationHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(token))
        {
            token = null;
        }

        var query = new OrchestrationQuery(from, to, statuses, top, showInput == true, token, string.IsNullOrEmpty(prefix) ? null : prefix);
        var (page, next, error) = await WorkflowEndpoints.FirstPageAsync(client, query, token, top, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (next is not null)
        {
            context.Response.Headers[ContinuationHeader] = next;
        }

        return Results.Json(new JsonArray(page.Select(m => (JsonNode)Status(m, showInput == true)).ToArray()));
    }

    /// <summary>
    /// Durable Functions' raiseEvent. Into a governance process, a declared step goes through the same submission as
    /// the staff API (validated, decided at once, never buffered; 202 when accepted), and an undeclared event is
    /// buffered as in Durable Functions but only for admins. Other instances get plain Durable Functions semantics.
    /// </summary>
    private static async Task<IResult> RaiseEventAsync(
        string id, string eventName, HttpContext context, DurableTaskClient client, IWorkflowCatalog catalog,
        Microsoft.Extensions.Options.IOptions<ServiceSettings> settings, ILoggerFactory loggers, CancellationToken cancellationToken)
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

        if (metadata.IsCompleted)
        {
            return Gone(id, metadata.RuntimeStatus);
        }

        var definition = WorkflowEndpoints.DefinitionFor(catalog, metadata.Name);
        if (SubmissionEndpoints.FindStep(definition, eventName) is { } step)
        {
            return await SubmissionEndpoints.SubmitStepAsync(context, client, settings.Value, metadata, definition, step, successStatus: 202, loggers, cancellationToken);
        }

        if (definition is not null && !context.User.IsInRole(Security.Roles.Admin))
        {
            return Problems.Result(403, "Forbidden",
                $"'{eventName}' is not a step of process '{definition.Name}'; raising other events into a governance process needs the admin role. Steps: {string.Join(", ", definition.Events.Select(e => e.Name))}.",
                $"“{eventName}”不是流程“{definition.DisplayNameZh}”的步骤；向治理流程发送其他事件需要管理员权限。", "eventName", "undeclared-event-needs-admin");
        }

        var (payload, error) = await StrictJson.ReadAsync(context.Request, typeof(JsonElement), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        await client.WithActor(WorkflowEndpoints.Actor(context)).RaiseEventAsync(id, eventName, payload, cancellationToken);
        return Results.StatusCode(202);
    }

    private static Task<IResult> TerminateAsync(string id, string? reason, HttpContext context, DurableTaskClient client, CancellationToken ct)
        => ChangeAsync(id, client, ct, m => m.IsCompleted,
            () => client.WithActor(WorkflowEndpoints.Actor(context)).TerminateInstanceAsync(id, new TerminateInstanceOptions(reason), ct));

    private static Task<IResult> SuspendAsync(string id, string? reason, HttpContext context, DurableTaskClient client, CancellationToken ct)
        => ChangeAsync(id, client, ct, m => m.IsCompleted,
            () => client.WithActor(WorkflowEndpoints.Actor(context)).SuspendInstanceAsync(id, reason, ct));

    private static Task<IResult> ResumeAsync(string id, string? reason, HttpContext context, DurableTaskClient client, CancellationToken ct)
        => ChangeAsync(id, client, ct, m => m.IsCompleted,
            () => client.WithActor(WorkflowEndpoints.Actor(context)).ResumeInstanceAsync(id, reason, ct));

    private static async Task<IResult> ChangeAsync(string id, DurableTaskClient client, CancellationToken ct, Func<OrchestrationMetadata, bool> gone, Func<Task> change)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct);
        if (metadata is null)
        {
            return Problems.InstanceNotFound(id);
        }

        if (gone(metadata))
        {
            return Gone(id, metadata.RuntimeStatus);
        }

        await change();
        return Results.StatusCode(202);
    }

    private static async Task<IResult> PurgeAsync(string id, HttpContext context, DurableTaskClient client, CancellationToken ct)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct);
        if (metadata is null)
        {
            return Problems.InstanceNotFound(id);
        }

        if (!metadata.IsCompleted)
        {
            return Problems.Conflict($"Instance '{id}' is {metadata.RuntimeStatus}; only finished instances can be purged. Terminate it first.",
                $"实例“{id}”尚未结束（{metadata.RuntimeStatus}），只能清除已结束的实例，请先终止。", "purge-running");
        }

        var result = await client.WithActor(WorkflowEndpoints.Actor(context)).PurgeInstanceAsync(id, null, ct);
        if (result.PurgedInstanceCount == 0)
        {
            return Problems.InstanceNotFound(id);
        }

        return Results.Json(new JsonObject { ["instancesDeleted"] = result.PurgedInstanceCount });
    }

    /// <summary>Durable Functions' bulk purge: finished instances created in a time range, optionally of some statuses.</summary>
    private static async Task<IResult> PurgeManyAsync(HttpContext context, DurableTaskClient client, CancellationToken ct)
    {
        var q = context.Request.Query;
        if (WorkflowEndpoints.ParseTime(q["createdTimeFrom"], "createdTimeFrom", out var from) is { } e1)
        {
            return e1;
        }

        if (from is null)
        {
            return Problems.BadRequest("createdTimeFrom is required for a bulk purge (as in Durable Functions).",
                "批量清除须提供 createdTimeFrom。", "createdTimeFrom", "required");
        }

        if (WorkflowEndpoints.ParseTime(q["createdTimeTo"], "createdTimeTo", out var to) is { } e2)
        {
            return e2;
        }

        if (WorkflowEndpoints.ParseStatuses(q["runtimeStatus"].ToString(), "runtimeStatus", out var statuses) is { } e3)
        {
            return e3;
        }

        var result = await client.WithActor(WorkflowEndpoints.Actor(context))
            .PurgeAllInstancesAsync(new PurgeInstancesFilter(from, to, statuses), null, ct);
        return Results.Json(new JsonObject { ["instancesDeleted"] = result.PurgedInstanceCount });
    }

    private static IResult Gone(string id, OrchestrationRuntimeStatus status)
        => Problems.Result(410, "Gone", $"Instance '{id}' is {status}; it no longer accepts this operation.",
            $"实例“{id}”已结束（{status}），不再接受此操作。", "id", "instance-finished");

    /// <summary>Durable Functions' status JSON (DurableOrchestrationStatus).</summary>
    internal static JsonObject Status(OrchestrationMetadata m, bool showInput)
    {
        var o = new JsonObject
        {
            ["name"] = m.Name,
            ["instanceId"] = m.InstanceId,
            ["runtimeStatus"] = m.RuntimeStatus.ToString(),
        };
        if (showInput)
        {
            o["input"] = Node(m.SerializedInput);
        }

        o["customStatus"] = Node(m.SerializedCustomStatus);
        o["output"] = m.RuntimeStatus == OrchestrationRuntimeStatus.Failed && m.FailureDetails is not null
            ? JsonValue.Create(m.FailureDetails.ToString())
            : Node(m.SerializedOutput);
        o["createdTime"] = Time(m.CreatedAt);
        o["lastUpdatedTime"] = Time(m.LastUpdatedAt);
        return o;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Time(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? Node(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    /// <summary>History in Durable Functions' shape: orchestrator bookkeeping dropped, scheduled tasks folded into their completion.</summary>
    internal static JsonArray History(IReadOnlyList<HistoryEvent> history, bool showOutput)
    {
        var array = new JsonArray();
        var scheduled = new Dictionary<int, (string Name, DateTime At, string? Input)>();
        foreach (var e in history)
        {
            JsonObject? o = null;
            switch (e)
            {
                case ExecutionStartedEvent s:
                    o = Event(e, "ExecutionStarted");
                    o["FunctionName"] = s.Name;
                    if (showOutput)
                    {
                        o["Input"] = Node(s.Input);
                    }

                    break;
                case TaskScheduledEvent t:
                    scheduled[t.EventId] = (t.Name, t.Timestamp, t.Input);
                    break;
                case SubOrchestrationInstanceCreatedEvent s:
                    scheduled[s.EventId] = (s.Name, s.Timestamp, s.Input);
                    break;
                case TaskCompletedEvent t:
                    o = Completion(e, "TaskCompleted", scheduled, t.TaskScheduledId);
                    if (showOutput)
                    {
                        o["Result"] = Node(t.Result);
                    }

                    break;
                case TaskFailedEvent t:
                    o = Completion(e, "TaskFailed", scheduled, t.TaskScheduledId);
                    o["Reason"] = t.Failure.ErrorMessage;
                    o["Details"] = t.Failure.ErrorType;
                    break;
                case SubOrchestrationInstanceCompletedEvent s:
                    o = Completion(e, "SubOrchestrationInstanceCompleted", scheduled, s.TaskScheduledId);
                    if (showOutput)
                    {
                        o["Result"] = Node(s.Result);
                    }

                    break;
                case SubOrchestrationInstanceFailedEvent s:
                    o = Completion(e, "SubOrchestrationInstanceFailed", scheduled, s.TaskScheduledId);
                    o["Reason"] = s.Failure.ErrorMessage;
                    break;
                case TimerCreatedEvent t:
                    o = Event(e, "TimerCreated");
                    o["FireAt"] = Time(t.FireAt);
                    break;
                case TimerFiredEvent t:
                    o = Event(e, "TimerFired");
                    o["FireAt"] = Time(t.FireAt);
                    break;
                case EventRaisedEvent r:
                    o = Event(e, "EventRaised");
                    o["Name"] = r.Name;
                    if (showOutput)
                    {
                        o["Input"] = Node(r.Input);
                    }

                    break;
                case SubmissionEvent sub:
                    // Durable Functions has no submissions: an accepted one is the external event that reached the
                    // orchestrator; a refused one is shown with its decision so nothing is hidden from the raw history.
                    o = Event(e, sub.Decision?.Status == SubmissionStatus.Accepted ? "EventRaised" : "SubmissionRefused");
                    o["Name"] = sub.Name;
                    o["SubmissionId"] = sub.SubmissionId;
                    o["Outcome"] = sub.Decision?.Status.ToString();
                    if (sub.Decision?.Rule is { } rule)
                    {
                        o["Rule"] = rule;
                    }

                    if (showOutput)
                    {
                        o["Input"] = Node(sub.Input);
                    }

                    break;
                case EventSentEvent s:
                    o = Event(e, "EventSent");
                    o["Name"] = s.Name;
                    o["InstanceId"] = s.InstanceId;
                    break;
                case ExecutionCompletedEvent c:
                    o = Event(e, "ExecutionCompleted");
                    o["OrchestrationStatus"] = c.Status.ToString();
                    if (showOutput)
                    {
                        o["Result"] = c.Failure is not null ? JsonValue.Create(c.Failure.ToString()) : Node(c.Result);
                    }

                    break;
                case ExecutionTerminatedEvent t:
                    o = Event(e, "ExecutionTerminated");
                    o["Input"] = t.Reason;
                    break;
                case ExecutionSuspendedEvent t:
                    o = Event(e, "ExecutionSuspended");
                    o["Reason"] = t.Reason;
                    break;
                case ExecutionResumedEvent t:
                    o = Event(e, "ExecutionResumed");
                    o["Reason"] = t.Reason;
                    break;
            }

            if (o is not null)
            {
                array.Add(o);
            }
        }

        return array;
    }

    private static JsonObject Event(HistoryEvent e, string type)
    {
        var o = new JsonObject { ["EventType"] = type, ["Timestamp"] = Time(e.Timestamp) };
        if (!string.IsNullOrEmpty(e.Actor))
        {
            o["Actor"] = e.Actor;
        }

        return o;
    }

    private static JsonObject Completion(HistoryEvent e, string type, Dictionary<int, (string Name, DateTime At, string? Input)> scheduled, int id)
    {
        var o = Event(e, type);
        if (scheduled.TryGetValue(id, out var s))
        {
            o["FunctionName"] = s.Name;
            o["ScheduledTime"] = Time(s.At);
        }

        return o;
    }
}
