using Governance.Durable;
using Governance.Functions.Security;
using Governance.Workflows.Incubation;
using Microsoft.AspNetCore.Mvc;

namespace Governance.Functions.Api;

/// <summary>GET /api/incubator: the incubator platform's view of its organisations (§4, the "1" of "149").</summary>
public static class IncubatorEndpoints
{
    public static IEndpointRouteBuilder MapIncubatorApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Workflows (staff)")
            .MapGet("/incubator", GetAsync).RequireAuthorization(Policies.Read)
            .WithName("Incubator").WithSummary("Organisations per incubation stage, graduated, activists trained (?street=&community=&incubator=) / 孵化平台概况")
            .Produces<IncubatorSummary>().ProducesProblem(400);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, [FromServices] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        string? street = q["street"].FirstOrDefault(), community = q["community"].FirstOrDefault(), incubator = q["incubator"].FirstOrDefault();
        foreach (var (field, value) in new[] { ("street", street), ("community", community), ("incubator", incubator) })
        {
            if (value is not null && (value.Length > InstanceTags.MaxValueLength || value.Any(char.IsControl)))
            {
                return Problems.BadRequest($"'{field}' is a search tag: at most {InstanceTags.MaxValueLength} characters without control characters.",
                    $"字段“{field}”用于检索，长度不超过{InstanceTags.MaxValueLength}个字符且不含控制字符。", field, "max-length",
                    new Dictionary<string, object?> { ["maxLength"] = InstanceTags.MaxValueLength });
            }
        }

        return TypedResults.Ok(await new IncubatorView(client).ComputeAsync(street, community, incubator, cancellationToken));
    }
}
