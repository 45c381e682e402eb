using Governance.Durable.Audit;
using Governance.Functions.Security;

namespace Governance.Functions.Api;

/// <summary>
/// /api/audit (auditor, admin): an instance's tamper-evident trail, its verification, the periodic digests, and an
/// export of the trails a search finds. Trails of purged instances stay here.
/// </summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/audit").WithTags("Audit (auditor)");

        api.MapGet("/export", ExportAsync).RequireAuthorization(Policies.Audit)
            .WithName("AuditExport").WithSummary("Trails found by process, street, community, year as a zip (JSON Lines, CSV, digests, manifest) / 导出审计记录")
            .Produces(200, contentType: "application/zip").ProducesProblem(400);

        api.MapGet("/digests", ListDigestsAsync).RequireAuthorization(Policies.Audit)
            .WithName("AuditDigests").WithSummary("Periodic digests over every trail's head / 审计摘要")
            .Produces<IReadOnlyList<AuditDigestSummary>>();

        api.MapPost("/digests", CreateDigestAsync).RequireAuthorization(Policies.Admin)
            .WithName("AuditDigestNow").WithSummary("Write a digest now (admin) / 立即生成摘要")
            .Produces<AuditDigestSummary>();

        api.MapGet("/digests/{digestId}", GetDigestAsync).RequireAuthorization(Policies.Audit)
            .WithName("AuditDigest").WithSummary("One digest's document, byte for byte as hashed / 摘要原文")
            .Produces(200, contentType: "application/json").ProducesProblem(404);

        api.MapGet("/{id}", TrailAsync).RequireAuthorization(Policies.Audit)
            .WithName("AuditTrail").WithSummary("An instance's audit trail (also after purge) / 审计记录")
            .Produces<AuditTrailResponse>().ProducesProblem(404);

        // Whether a trail holds up is shown to everyone reading the instance (the trail itself is for auditors).
        api.MapGet("/{id}/verify", VerifyAsync).RequireAuthorization(Policies.Read)
            .WithName("AuditVerify").WithSummary("Recompute the chain and check it against the digests / 校验审计记录")
            .Produces<AuditVerification>().ProducesProblem(404);

        return app;
    }

    private static async Task<IResult> TrailAsync(string id, AuditTrail trail, CancellationToken ct)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        var records = await trail.ReadAsync(id, ct);
        if (records is null)
        {
            return NoTrail(id);
        }

        return TypedResults.Ok(new AuditTrailResponse(id, await trail.ReadHeadAsync(id, ct), records));
    }

    private static async Task<IResult> VerifyAsync(string id, AuditTrail trail, CancellationToken ct)
    {
        if (WorkflowEndpoints.ValidateInstanceId(id, "id") is { } bad)
        {
            return bad;
        }

        return await trail.ReadVerifiedAsync(id, ct) is { } read ? TypedResults.Ok(read.Verification) : NoTrail(id);
    }

    private static async Task<IResult> ListDigestsAsync(AuditTrail trail, CancellationToken ct)
        => TypedResults.Ok((await trail.ListDigestsAsync(ct)).Select(AuditDigestSummary.Of).ToList());

    private static async Task<IResult> CreateDigestAsync(AuditTrail trail, CancellationToken ct)
        => TypedResults.Ok(AuditDigestSummary.Of(await trail.CreateDigestAsync(ct)));

    private static async Task<IResult> GetDigestAsync(string digestId, AuditTrail trail, CancellationToken ct)
        => await trail.GetDigestAsync(digestId, ct) is { } digest
            ? Results.Text(digest.Document, "application/json; charset=utf-8")
            : Problems.NotFound($"No digest '{digestId}'.", $"摘要“{digestId}”不存在。", "digestId");

    private static async Task<IResult> ExportAsync(HttpContext context, AuditTrail trail, TimeProvider clock, Governance.Workflows.Catalog.IWorkflowCatalog catalog, CancellationToken ct)
    {
        var q = context.Request.Query;
        string? name = q["process"].FirstOrDefault() ?? q["name"].FirstOrDefault();
        // A catalog name (community-project) stands for its orchestrator; an orchestrator name is taken as it is.
        name = name is null ? null : catalog.Find(name)?.OrchestratorName ?? name;
        var tags = new Dictionary<string, string>();
        foreach (string key in new[] { "street", "community", "year" })
        {
            if (q[key].FirstOrDefault() is { Length: > 0 } value)
            {
                if (value.Length > Durable.InstanceTags.MaxValueLength)
                {
                    return Problems.BadRequest($"'{key}' must be at most {Durable.InstanceTags.MaxValueLength} characters.", $"“{key}”最多 {Durable.InstanceTags.MaxValueLength} 个字符。", key, "max-length");
                }

                tags[key] = value;
            }
        }

        // A year finds every trail that covered it, also a yearly process that continued as new into a later year.
        KeyValuePair<string, string>? year = null;
        if (tags.Remove("year", out string? y) && !(y.Length == 4 && y.All(char.IsAsciiDigit)))
        {
            tags["year"] = y; // not a year: matched as it is
        }
        else if (y is not null)
        {
            year = new("year", y);
        }

        if (await AuditExport.BuildAsync(trail, clock, name, tags, ct, year: year) is not { } zip)
        {
            return Problems.BadRequest($"The search matches more than {AuditExport.MaxTrails:N0} trails: narrow it (process, street, community, year).",
                $"检索到的审计记录超过{AuditExport.MaxTrails:N0}条:请缩小范围(流程、街道、社区、年度)。", null, "export-too-large");
        }

        return Results.File(zip, "application/zip", $"audit-export-{clock.GetUtcNow():yyyyMMddHHmmss}.zip");
    }

    private static IResult NoTrail(string id)
        => Problems.NotFound($"No audit trail for instance '{id}'.", $"实例“{id}”没有审计记录。", "id");
}

public sealed record AuditTrailResponse(string InstanceId, AuditTrailHead? Head, IReadOnlyList<AuditRecord> Records);

public sealed record AuditDigestSummary(string Id, DateTime CreatedAt, int HeadCount, string Sha256)
{
    public static AuditDigestSummary Of(StoredAuditDigest d) => new(d.Id, d.CreatedAt, d.HeadCount, d.Sha256);
}
