using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Governance.Functions.Hosting;

/// <summary>
/// /healthz as a minimal API endpoint (so the OpenAPI document describes it): 200 when healthy or degraded (e.g. next
/// year's holiday notice not loaded yet: the service works, the reason is in the body), 503 when unhealthy (storage).
/// </summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync).AllowAnonymous().WithTags("Health")
            .WithName("Health").WithSummary("Storage, calendar and clock checks / 健康检查")
            .Produces<HealthView>(200).Produces<HealthView>(503);
        return app;
    }

    private static async Task<IResult> CheckAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var view = new HealthView(report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckView(e.Value.Status.ToString(), e.Value.Description)));
        return TypedResults.Json(view, statusCode: report.Status == HealthStatus.Unhealthy ? 503 : 200);
    }
}

public sealed record HealthView(string Status, IReadOnlyDictionary<string, HealthCheckView> Checks);

public sealed record HealthCheckView(string Status, string? Description);
