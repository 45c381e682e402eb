using System.Security.Claims;
using Governance.Durable;
using Governance.Functions.Api;
using Governance.Functions.Security;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Functions.WebConsole;

/// <summary>The few reads the web console needs beyond the staff API: who am I, counts per status, linked instances.</summary>
public static class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/console").WithTags("Console");

        api.MapGet("/me", (HttpContext context) => TypedResults.Ok(new ConsoleUser(
                context.User.Identity?.Name ?? "", context.User.FindFirstValue(ClaimTypes.Role) ?? "")))
            .RequireAuthorization(Policies.Read).WithName("ConsoleMe").WithSummary("The signed-in key's name and role / 当前身份");

        api.MapGet("/counts", CountsAsync).RequireAuthorization(Policies.Read)
            .WithName("ConsoleCounts").WithSummary("Instances per status for a process and tags / 各状态数量")
            .Produces<IReadOnlyDictionary<string, int>>().ProducesProblem(400);

        api.MapGet("/instances/{id}/links", LinksAsync).RequireAuthorization(Policies.Read)
            .WithName("ConsoleLinks").WithSummary("The instance's parent and the instances it started (round ↔ projects) / 关联流程")
            .Produces<InstanceLinks>().ProducesProblem(404);

        return app;
    }

    private static async Task<IResult> CountsAsync(HttpContext context, IWorkflowCatalog catalog, DurableTaskClient client, CancellationToken ct)
    {
        var q = context.Request.Query;
        string? name = q["name"].FirstOrDefault();
        string? orchestrator = null;
        if (!string.IsNullOrEmpty(name))
        {
            orchestrator = catalog.Find(name)?.OrchestratorName;
            if (orchestrator is null)
            {
                return Problems.BadRequest($"Unknown process '{name}'.", $"未知流程“{name}”。", "name", "unknown-workflow");
            }
        }

        var tags = q.Where(kv => kv.Key.StartsWith("tag.", StringComparison.OrdinalIgnoreCase) && kv.Key.Length > 4 && kv.Value.ToString().Length > 0)
            .ToDictionary(kv => kv.Key[4..], kv => kv.Value.ToString());
        var counts = await client.CountInstancesAsync(new OrchestrationQuery { Name = orchestrator, Tags = tags.Count == 0 ? null : tags }, ct);
        return TypedResults.Ok(counts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value));
    }

    /// <summary>
    /// Links both ways, whichever way the child was started: a sub-orchestration is in its parent's history (and its own
    /// start names the parent); an instance an activity started (a committee's project or work order) carries the
    /// starter in its <see cref="LinkedProjects.ParentTag"/> tag, so the parent finds it by a tag query.
    /// </summary>
    private static async Task<IResult> LinksAsync(string id, IWorkflowCatalog catalog, DurableTaskClient client, CancellationToken ct)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        if (await client.GetInstanceAsync(id, false, ct) is not { } instance)
        {
            return Problems.InstanceNotFound(id);
        }

        LinkedInstance Linked(string instanceId, string name)
            => new(instanceId, name, WorkflowEndpoints.DefinitionFor(catalog, name)?.DisplayNameZh, WorkflowEndpoints.DefinitionFor(catalog, name)?.DisplayNameEn);

        var history = await client.GetInstanceHistoryAsync(id, null, ct);
        LinkedInstance? parent = history.OfType<ExecutionStartedEvent>().FirstOrDefault()?.Parent is { } sub ? Linked(sub.InstanceId, sub.Name) : null;
        if (parent is null && instance.Tags.TryGetValue(LinkedProjects.ParentTag, out string? starter)
            && await client.GetInstanceAsync(starter, false, ct) is { } started)
        {
            parent = Linked(started.InstanceId, started.Name);
        }

        var children = history.OfType<SubOrchestrationInstanceCreatedEvent>().Select(c => Linked(c.InstanceId, c.Name)).ToList();
        if (id.Length <= InstanceTags.MaxValueLength) // a longer id cannot be a tag value: no child carries it
        {
            var byTag = new OrchestrationQuery(PageSize: 200) { Tags = new Dictionary<string, string> { [LinkedProjects.ParentTag] = id } };
            await foreach (var child in client.GetAllInstancesAsync(byTag))
            {
                children.Add(Linked(child.InstanceId, child.Name));
            }
        }

        return TypedResults.Ok(new InstanceLinks(parent, children.DistinctBy(c => c.InstanceId).ToList()));
    }
}

public sealed record ConsoleUser(string Name, string Role);

public sealed record LinkedInstance(string InstanceId, string OrchestratorName, string? DisplayNameZh, string? DisplayNameEn);

public sealed record InstanceLinks(LinkedInstance? Parent, IReadOnlyList<LinkedInstance> Children);
