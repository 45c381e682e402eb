using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Governance.Functions.Hosting;

/// <summary>/healthz as a minimal API endpoint (so the OpenAPI document describes it): 200 healthy, 503 otherwise.</summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync).AllowAnonymous().WithTags("Health")
            .WithName("Health").WithSummary("Can the service reach storage? / 健康检查")
            .Produces<HealthView>(200).Produces<HealthView>(503);
        return app;
    }

    private static async Task<IResult> CheckAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var view = new HealthView(report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckView(e.Value.Status.ToString(), e.Value.Description)));
        return TypedResults.Json(view, statusCode: report.Status == HealthStatus.Healthy ? 200 : 503);
    }
}

public sealed record HealthView(string Status, IReadOnlyDictionary<string, HealthCheckView> Checks);

public sealed record HealthCheckView(string Status, string? Description);
