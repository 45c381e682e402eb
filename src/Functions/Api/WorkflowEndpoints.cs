using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Governance.Durable;
using Governance.Functions.Hosting;
using Governance.Functions.Security;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Microsoft.AspNetCore.Mvc;

namespace Governance.Functions.Api;

/// <summary>The staff API under /api: catalog, start, status, steps, search, inbox, history, notifications.</summary>
public static class WorkflowEndpoints
{
    public const string InstanceIdHeader = "x-instance-id";

    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Workflows (staff)");

        api.MapGet("/workflows/catalog", GetCatalog).RequireAuthorization(Policies.Read)
            .WithName("GetCatalog").WithSummary("Processes this service runs, with input/event JSON schemas / 流程目录")
            .Produces<IReadOnlyList<CatalogEntry>>();

        api.MapPost("/workflows/{name}", StartAsync).RequireAuthorization(Policies.Write)
            .WithName("StartWorkflow").WithSummary("Start a process instance (idempotent with instanceId) / 启动流程")
            .Accepts<JsonElement>("application/json")
            .Produces<CheckStatusPayload>(202).Produces<CheckStatusPayload>(200)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);

        api.MapGet("/workflows/{id}", GetInstanceAsync).RequireAuthorization(Policies.Read)
            .WithName("GetWorkflow").WithSummary("Status, current step and awaited steps of an instance / 流程状态")
            .Produces<InstanceDetail>().ProducesProblem(404);

        api.MapSubmissionApi();

        api.MapGet("/workflows", SearchAsync).RequireAuthorization(Policies.Read)
            .WithName("SearchWorkflows").WithSummary("Search instances by process, status, tags (tag.community=…), creation time, overdue, escalation level / 检索流程")
            .Produces<SearchResult>().ProducesProblem(400);

        api.MapGet("/tasks", InboxAsync).RequireAuthorization(Policies.Read)
            .WithName("Inbox").WithSummary("Open human steps across running instances / 待办事项")
            .Produces<IReadOnlyList<InboxItem>>().ProducesProblem(400);

        api.MapGet("/workflows/{id}/executions", ExecutionsAsync).RequireAuthorization(Policies.Read)
            .WithName("Executions").WithSummary("The instance's executions, oldest first (a yearly process has one per year) / 各期执行")
            .Produces<IReadOnlyList<ExecutionView>>().ProducesProblem(404);

        api.MapGet("/workflows/{id}/history", HistoryAsync).RequireAuthorization(Policies.Read)
            .WithName("History").WithSummary("Readable timeline: what, when, by whom (JSON or ?format=csv; ?executionId= for one execution) / 流程记录")
            .Produces<IReadOnlyList<TimelineEntry>>().Produces(200, contentType: "text/csv").ProducesProblem(404);

        api.MapGet("/notifications", NotificationsAsync).RequireAuthorization(Policies.Read)
            .WithName("Notifications").WithSummary("Reminders and escalations sent / 提醒与督办通知")
            .Produces<IReadOnlyList<Governance.Workflows.Common.Notification>>().ProducesProblem(400);

        return app;
    }

    internal static string Actor(HttpContext context) => context.User.Identity?.Name ?? "anonymous";

    internal static WorkflowDefinition? DefinitionFor(IWorkflowCatalog catalog, string orchestratorName)
        => catalog.Workflows.FirstOrDefault(w => string.Equals(w.OrchestratorName, orchestratorName, StringComparison.Ordinal));

    private static IResult GetCatalog(IWorkflowCatalog catalog)
        => TypedResults.Ok(catalog.Workflows.Select(w => new CatalogEntry(
            w.Name, w.DisplayNameZh, w.DisplayNameEn, w.OrchestratorName, Schema(w.InputType),
            w.Events.Select(e => new CatalogEvent(e.Name, e.DisplayNameZh, e.DisplayNameEn, e.ResponsibleRole, Schema(e.PayloadType))).ToList(),
            w.StartedBy)).ToList());

    internal static JsonNode Schema(Type type)
        => StrictJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = WithTextLimit,
        });

    /// <summary>
    /// Every text value has a documented maximum length, also in the schemas: its own [StringLength] (names used as
    /// search tags) or else <see cref="JsonBodyRules.MaxTextLength"/>.
    /// </summary>
    private static JsonNode WithTextLimit(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is JsonObject o && !o.ContainsKey("maxLength") && !o.ContainsKey("enum")
            && o["type"] is { } type && (type is JsonValue ? (string?)type == "string" : type.AsArray().Any(t => (string?)t == "string")))
        {
            var declared = context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.StringLengthAttribute), true)
                .OfType<System.ComponentModel.DataAnnotations.StringLengthAttribute>().FirstOrDefault();
            o["maxLength"] = Math.Min(declared?.MaximumLength ?? JsonBodyRules.MaxTextLength, JsonBodyRules.MaxTextLength);
        }

        return node;
    }

    public const int MaxInstanceIdLength = 100;

    /// <summary>
    /// Instance ids must round-trip through the URLs the API hands out: 1–100 characters, none of / \ # ? or control
    /// characters, no surrounding spaces, not "." or ".." (dot segments are normalised away) and not a fixed route
    /// segment such as "catalog" (routes match it case-insensitively, so the instance would be shadowed).
    /// </summary>
    internal static IResult? ValidateInstanceId(string? id, string field)
    {
        if (id is null)
        {
            return null;
        }

        if (id is "." or ".." || string.Equals(id, "catalog", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.BadRequest($"'{field}' must not be '{id}': such an id cannot be addressed in a URL.",
                $"“{field}”不能为“{id}”：该编号无法在网址中使用。", field, "instance-id");
        }

        if (id.Length is 0 or > MaxInstanceIdLength || id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)) || id.Trim() != id)
        {
            return Problems.BadRequest($"'{field}' must be 1-100 characters without / \\ # ? control characters or surrounding spaces.",
                $"“{field}”须为 1-100 个字符，不能包含 / \\ # ? 、控制字符或首尾空格。", field, "instance-id");
        }

        return null;
    }

    private static async Task<IResult> StartAsync(
        string name, HttpContext context, IWorkflowCatalog catalog, DurableTaskClient client, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var definition = catalog.Find(name);
        if (definition is null)
        {
            return Problems.Result(404, "Not Found", $"No process named '{name}'. Known: {string.Join(", ", catalog.Workflows.Select(w => w.Name))}.",
                $"没有名为“{name}”的流程。", "name", "unknown-workflow");
        }

        if (definition.StartedBy is { } parent)
        {
            // Refused before anything is read or written: the parent checks the rules and links the two instances.
            return Problems.BadRequest($"'{definition.Name}' is started by its '{parent}' process, not directly: submit the step there that raises it.",
                $"“{definition.DisplayNameZh}”由“{parent}”流程发起，不能直接启动：请在该流程中提交相应步骤。", "name", "started-by-parent",
                new Dictionary<string, object?> { ["startedBy"] = parent });
        }

        string? instanceId = context.Request.Query["instanceId"].FirstOrDefault() ?? context.Request.Headers[InstanceIdHeader].FirstOrDefault();
        if (ValidateInstanceId(instanceId, "instanceId") is { } badId)
        {
            return badId;
        }

        var (input, error) = await StrictJson.ReadAsync(context.Request, definition.InputType, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        IReadOnlyDictionary<string, string> tags;
        try
        {
            tags = definition.TagsFromInput(input!);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.BadRequest("The input was rejected: " + ex.Message, "输入无效：" + ex.Message, "body", "input");
        }

        // Names that become search tags (street, community, …) are checked before anything is written.
        if (InstanceTags.Validate(tags) is { } badTag)
        {
            string field = badTag.Key ?? "body";
            return Problems.BadRequest($"Field '{field}': {badTag.Reason}",
                $"字段“{field}”用于检索，长度须为 1-{InstanceTags.MaxValueLength} 个字符且不含控制字符。", field, "max-length",
                new Dictionary<string, object?> { ["maxLength"] = InstanceTags.MaxValueLength });
        }

        var logger = loggers.CreateLogger("Governance.Functions.Workflows");
        string actor = Actor(context);
        if (instanceId is not null)
        {
            var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (existing is not null)
            {
                return SameStart(existing, definition, input!)
                    ? TypedResults.Ok(CheckStatus(context.Request, instanceId))
                    : Problems.Conflict(
                        $"Instance '{instanceId}' already exists with a different process or input; an instance id can start only one process with one input.",
                        $"实例“{instanceId}”已存在，且流程或输入不同；同一实例编号只能以同一输入启动一次。", "idempotency",
                        new Dictionary<string, object?> { ["instanceId"] = instanceId, ["existingRuntimeStatus"] = existing.RuntimeStatus.ToString() });
            }
        }

        try
        {
            instanceId = await client.WithActor(actor).ScheduleNewOrchestrationInstanceAsync(
                definition.OrchestratorName, input, new StartOrchestrationOptions(instanceId) { Tags = tags }, cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException) when (instanceId is not null)
        {
            // Lost a race with an identical request: answer as the idempotent repeat would.
            var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            return existing is not null && SameStart(existing, definition, input!)
                ? TypedResults.Ok(CheckStatus(context.Request, instanceId))
                : Problems.Conflict($"Instance '{instanceId}' already exists.", $"实例“{instanceId}”已存在。", "idempotency");
        }

        logger.LogInformation("{Actor} started {Workflow} as instance {InstanceId}", actor, definition.Name, instanceId);
        var payload = CheckStatus(context.Request, instanceId);
        return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
    }

    private static bool SameStart(OrchestrationMetadata existing, WorkflowDefinition definition, object input)
    {
        if (existing.Name != definition.OrchestratorName)
        {
            return false;
        }

        JsonNode? stored = existing.SerializedInput is null ? null : JsonNode.Parse(existing.SerializedInput);
        JsonNode? given = JsonSerializer.SerializeToNode(input, input.GetType(), DurableJson.Options);
        return JsonNode.DeepEquals(stored, given);
    }

    internal static CheckStatusPayload CheckStatus(HttpRequest request, string instanceId)
    {
        string baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        string id = Uri.EscapeDataString(instanceId);
        string instance = $"{baseUrl}/runtime/webhooks/durabletask/instances/{id}";
        return new CheckStatusPayload(
            instanceId,
            instance,
            $"{instance}/raiseEvent/{{eventName}}",
            $"{instance}/terminate?reason={{text}}",
            $"{instance}/suspend?reason={{text}}",
            $"{instance}/resume?reason={{text}}",
            instance,
            $"{baseUrl}/api/workflows/{id}");
    }

    private static async Task<IResult> GetInstanceAsync(string id, IWorkflowCatalog catalog, DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return Problems.InstanceNotFound(id);
        }

        var definition = DefinitionFor(catalog, metadata.Name);
        var status = Json.Status(metadata.SerializedCustomStatus);
        return TypedResults.Ok(new InstanceDetail(
            metadata.InstanceId, definition?.Name, metadata.Name, definition?.DisplayNameZh, definition?.DisplayNameEn, metadata.RuntimeStatus,
            metadata.CreatedAt, metadata.LastUpdatedAt, metadata.CompletedAt, status?.StepZh, status?.StepEn,
            Waiting(metadata, definition, status, time.GetUtcNow()), metadata.NextTimerDueAt, metadata.Tags,
            Json.Element(metadata.SerializedCustomStatus), Json.Element(metadata.SerializedInput), Json.Element(metadata.SerializedOutput),
            FailureSummary.From(metadata.FailureDetails)));
    }

    internal static IReadOnlyList<WaitingStep> Waiting(OrchestrationMetadata metadata, WorkflowDefinition? definition, WorkflowStatus? status, DateTimeOffset now)
        => metadata.WaitingForEvents.Where(e => !CalendarChanged.IsCalendarEvent(e)).Select(e =>
        {
            var open = status?.OpenSteps.FirstOrDefault(s => s.EventName == e);
            var def = definition?.Events.FirstOrDefault(d => d.Name == e);
            return new WaitingStep(e, open?.StepZh ?? def?.DisplayNameZh, open?.StepEn ?? def?.DisplayNameEn, open?.ResponsibleRole ?? def?.ResponsibleRole,
                open?.DueDate, open?.DueAt, open is not null && open.DueAt < now, open?.EscalationLevel, open?.EscalationLevelName, open?.StepToken, open?.Provisional);
        }).ToList();

    /// <summary>How many pages of <c>top</c> instances one filtered search reads at most before it answers with a continuation.</summary>
    private const int MaxFilteredPages = 20;

    private static async Task<IResult> SearchAsync(HttpContext context, IWorkflowCatalog catalog, DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        string? orchestrator = null;
        if (q["name"].FirstOrDefault() is { Length: > 0 } name)
        {
            var definition = catalog.Find(name);
            if (definition is null)
            {
                return Problems.BadRequest($"Unknown process name '{name}'.", $"未知流程名称“{name}”。", "name", "unknown-workflow");
            }

            orchestrator = definition.OrchestratorName;
        }

        if (ParseStatuses(q["status"].ToString(), "status", out var statuses) is { } badStatus)
        {
            return badStatus;
        }

        if (ParseTime(q["createdFrom"], "createdFrom", out var from) is { } badFrom)
        {
            return badFrom;
        }

        if (ParseTime(q["createdTo"], "createdTo", out var to) is { } badTo)
        {
            return badTo;
        }

        if (ParseTop(q["top"], 100, 1000, out int top) is { } badTop)
        {
            return badTop;
        }

        if (ParseBool(q["overdue"], "overdue", out bool? overdue) is { } badOverdue)
        {
            return badOverdue;
        }

        int? minEscalation = null;
        if (q["escalation"].FirstOrDefault() is { Length: > 0 } rawLevel)
        {
            if (!int.TryParse(rawLevel, out int level) || level is < 0 or > 3)
            {
                return Problems.BadRequest($"'escalation' must be an escalation level from 0 to 3 (got '{rawLevel}').",
                    $"“escalation”须为 0 至 3 的督办级别(收到“{rawLevel}”)。", "escalation", "range");
            }

            minEscalation = level;
        }

        var tags = q.Where(kv => kv.Key.StartsWith("tag.", StringComparison.OrdinalIgnoreCase) && kv.Key.Length > 4)
            .ToDictionary(kv => kv.Key[4..], kv => kv.Value.ToString());
        string? token = q["continuationToken"].FirstOrDefault();
        var query = new OrchestrationQuery(from, to, statuses, top, false)
        {
            Name = orchestrator,
            Tags = tags.Count == 0 ? null : tags,
        };
        var (page, next, error) = await FirstPageAsync(client, query, context, token, top, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (overdue is not null || minEscalation is not null)
        {
            // Properties of the open steps (the custom status), not columns: pages are read and filtered until `top`
            // match or MaxFilteredPages were read, so matches further on are not hidden behind an empty answer.
            var now = time.GetUtcNow();
            // Only a running instance has open steps: an ended one keeps its last custom status, steps and all.
            bool Matches(OrchestrationMetadata m) => m.RuntimeStatus == OrchestrationRuntimeStatus.Running
                && Json.Status(m.SerializedCustomStatus)?.OpenSteps is { } open
                && open.Any(o => (overdue is null || (o.DueAt < now) == overdue) && o.EscalationLevel >= (minEscalation ?? 0));
            var matches = page.Where(Matches).ToList();
            for (int read = 1; matches.Count < top && next is not null && read < MaxFilteredPages; read++)
            {
                (page, next, error) = await FirstPageAsync(client, query, context, next, top, cancellationToken);
                if (error is not null)
                {
                    return error;
                }

                matches.AddRange(page.Where(Matches));
            }

            page = matches;
        }

        return TypedResults.Ok(new SearchResult(page.Select(m => Summary(m, DefinitionFor(catalog, m.Name))).ToList(), next));
    }

    internal static async Task<(IReadOnlyList<OrchestrationMetadata> Items, string? Next, IResult? Error)> FirstPageAsync(
        DurableTaskClient client, OrchestrationQuery query, HttpContext context, string? token, int top, CancellationToken cancellationToken)
    {
        var tokens = context.RequestServices.GetRequiredService<ContinuationTokens>();
        string? storageToken = null;
        if (token is not null && !tokens.TryOpen(token, context.Request, out storageToken))
        {
            return ([], null, BadContinuationToken());
        }

        try
        {
            await foreach (var page in client.GetAllInstancesAsync(query with { ContinuationToken = storageToken }).AsPages(storageToken, top).WithCancellation(cancellationToken))
            {
                string? next = string.IsNullOrEmpty(page.ContinuationToken) ? null : tokens.Seal(page.ContinuationToken, context.Request);
                return (page.Values, next, null);
            }

            return ([], null, null);
        }
        catch (Exception ex) when (storageToken is not null && ex is not OperationCanceledException && !StorageFailure.IsUnavailable(ex))
        {
            return ([], null, BadContinuationToken());
        }
    }

    private static IResult BadContinuationToken() => Problems.BadRequest(
        "The continuation token is not valid: use the token from the previous page of the same listing, unchanged.",
        "续页标记无效：请原样使用同一检索上一页返回的标记。", "continuationToken", "continuation-token");

    internal static InstanceSummary Summary(OrchestrationMetadata m, WorkflowDefinition? definition)
    {
        var status = Json.Status(m.SerializedCustomStatus);
        return new InstanceSummary(m.InstanceId, definition?.Name, m.Name, definition?.DisplayNameZh, definition?.DisplayNameEn, m.RuntimeStatus,
            m.CreatedAt, m.LastUpdatedAt, status?.StepZh, status?.StepEn, m.Tags);
    }

    internal static IResult? ParseStatuses(string? raw, string field, out List<OrchestrationRuntimeStatus>? statuses)
    {
        statuses = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        statuses = [];
        foreach (string part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse(part, ignoreCase: true, out OrchestrationRuntimeStatus s) || !Enum.IsDefined(s) || int.TryParse(part, out _))
            {
                return Problems.BadRequest($"'{field}' has an unknown status '{part}'. Allowed: {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.",
                    $"“{field}”含未知状态“{part}”。", field, "enum");
            }

            statuses.Add(s);
        }

        return null;
    }

    internal static IResult? ParseTime(string? raw, string field, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return Problems.BadRequest($"'{field}' must be an ISO 8601 date or date-time (got '{raw}').", $"“{field}”须为 ISO 8601 日期或时间。", field, "date-time");
        }

        value = parsed;
        return null;
    }

    internal static IResult? ParseTop(string? raw, int fallback, int max, out int top)
    {
        top = fallback;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > max)
        {
            top = fallback;
            return Problems.BadRequest($"'top' must be an integer from 1 to {max} (got '{raw}').", $"“top”须为 1 到 {max} 的整数。", "top", "range");
        }

        return null;
    }

    internal static IResult? ParseBool(string? raw, string field, out bool? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!bool.TryParse(raw, out bool parsed))
        {
            return Problems.BadRequest($"'{field}' must be true or false (got '{raw}').", $"“{field}”须为 true 或 false。", field, "boolean");
        }

        value = parsed;
        return null;
    }

    private static async Task<IResult> InboxAsync(HttpContext context, IWorkflowCatalog catalog, DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        string? street = q["street"].FirstOrDefault(), community = q["community"].FirstOrDefault(), role = q["role"].FirstOrDefault();
        if (ParseBool(q["overdue"], "overdue", out bool? overdue) is { } badOverdue)
        {
            return badOverdue;
        }

        if (ParseTop(q["top"], 500, 5000, out int top) is { } badTop)
        {
            return badTop;
        }

        var tags = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(street))
        {
            tags["street"] = street;
        }

        if (!string.IsNullOrEmpty(community))
        {
            tags["community"] = community;
        }

        var now = time.GetUtcNow();
        var items = new List<InboxItem>();
        var query = new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Running], PageSize: 500) { Tags = tags.Count == 0 ? null : tags };
        await foreach (var m in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            var status = Json.Status(m.SerializedCustomStatus);
            if (status?.OpenSteps is null)
            {
                continue;
            }

            var definition = DefinitionFor(catalog, m.Name);
            foreach (var step in status.OpenSteps)
            {
                bool isOverdue = step.DueAt < now;
                if ((role is not null && !string.Equals(step.ResponsibleRole, role, StringComparison.OrdinalIgnoreCase)) || (overdue is not null && overdue != isOverdue))
                {
                    continue;
                }

                items.Add(new InboxItem(m.InstanceId, definition?.Name, definition?.DisplayNameZh, step.EventName, step.StepZh, step.StepEn, step.ResponsibleRole,
                    step.DueDate, step.DueAt, isOverdue, step.EscalationLevel, step.EscalationLevelName, m.WaitingForEvents.Contains(step.EventName),
                    m.Tags.GetValueOrDefault("street"), m.Tags.GetValueOrDefault("community"),
                    $"/api/workflows/{Uri.EscapeDataString(m.InstanceId)}/events/{Uri.EscapeDataString(step.EventName)}", step.StepToken, step.Provisional));
            }
        }

        return TypedResults.Ok(items.OrderBy(i => i.DueAt).ThenBy(i => i.InstanceId, StringComparer.Ordinal).Take(top).ToList());
    }

    private static async Task<IResult> ExecutionsAsync(string id, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var executions = await client.GetExecutionIdsAsync(id, cancellationToken);
        if (executions.Count == 0)
        {
            return Problems.InstanceNotFound(id);
        }

        return TypedResults.Ok(executions.Select((e, i) => new ExecutionView(i + 1, e,
            $"/api/workflows/{Uri.EscapeDataString(id)}/history?executionId={Uri.EscapeDataString(e)}")).ToList());
    }

    private static async Task<IResult> HistoryAsync(string id, HttpContext context, IWorkflowCatalog catalog, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        string format = context.Request.Query["format"].FirstOrDefault() ?? "json";
        if (format is not ("json" or "csv"))
        {
            return Problems.BadRequest($"'format' must be json or csv (got '{format}').", "“format”须为 json 或 csv。", "format", "enum");
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            return Problems.InstanceNotFound(id);
        }

        var definition = DefinitionFor(catalog, metadata.Name);
        var executions = await client.GetExecutionIdsAsync(id, cancellationToken);
        string? only = context.Request.Query["executionId"].FirstOrDefault();
        if (only is not null)
        {
            if (!executions.Contains(only, StringComparer.Ordinal))
            {
                return Problems.NotFound($"Instance '{id}' has no execution '{only}' (see /api/workflows/{id}/executions).",
                    $"流程实例“{id}”没有执行“{only}”(见 /api/workflows/{id}/executions)。", "executionId");
            }

            executions = [only];
        }

        var events = new List<HistoryEvent>();
        if (only is null && executions.Count <= 1)
        {
            events.AddRange(await client.GetInstanceHistoryAsync(id, null, cancellationToken)); // the current execution: one scan
        }
        else
        {
            foreach (string execution in executions)
            {
                events.AddRange(await client.GetInstanceHistoryAsync(id, execution, cancellationToken));
            }
        }

        bool all = context.Request.Query["detail"].FirstOrDefault() == "all";
        var timeline = HistoryTimeline.Build(events, definition, includeBookkeeping: all);
        if (format == "csv")
        {
            return Results.File(HistoryTimeline.ToCsv(timeline), "text/csv; charset=utf-8", $"{SafeFileName(id)}-history.csv");
        }

        return TypedResults.Ok(timeline);
    }

    private static string SafeFileName(string id) => new(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    private static async Task<IResult> NotificationsAsync(HttpContext context, INotificationFeed feed, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        if (ParseTop(q["top"], 100, 1000, out int top) is { } badTop)
        {
            return badTop;
        }

        string? instanceId = q["instanceId"].FirstOrDefault();
        if (ValidateInstanceId(instanceId, "instanceId") is { } bad)
        {
            return bad;
        }

        return TypedResults.Ok(await feed.QueryAsync(instanceId, q["street"].FirstOrDefault(), q["community"].FirstOrDefault(), top, cancellationToken));
    }
}
