using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Durable.Audit;

public sealed class AuditDigestOptions
{
    /// <summary>How often a digest over every trail's head is written; digests fall on multiples of it from China midnight. Infinite turns it off.</summary>
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Writes the periodic digest on the injected clock (China midnight for the daily default).</summary>
internal sealed class AuditDigestService(AuditTrail trail, TimeProvider clock, IOptions<AuditDigestOptions> options, ILogger<AuditDigestService> logger) : BackgroundService
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    internal static DateTimeOffset NextDue(DateTimeOffset now, TimeSpan interval)
    {
        long periods = (now.UtcTicks + ChinaOffset.Ticks) / interval.Ticks;
        return new DateTimeOffset((periods + 1) * interval.Ticks - ChinaOffset.Ticks, TimeSpan.Zero);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = options.Value.DigestInterval;
        if (interval == Timeout.InfiniteTimeSpan || interval <= TimeSpan.Zero)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            try
            {
                var due = NextDue(now, interval);
                await Task.Delay(due - now, clock, stoppingToken);
                // Keyed by the period, not by when this host woke: every host writes (or adopts) the same digest.
                var digest = await trail.CreateDigestAsync(due.UtcDateTime, stoppingToken);
                logger.LogInformation("Audit digest {DigestId} written over {Count} trails (SHA-256 {Sha}).", digest.Id, digest.HeadCount, digest.Sha256);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next period tries again; a missing digest weakens nothing already digested.
                logger.LogWarning(ex, "Writing the audit digest failed.");
            }
        }
    }
}

public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AuditTrail"/> and the periodic digest service (after <c>AddDurableTask</c>).</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services, bool digests = true, Action<AuditDigestOptions>? configure = null)
    {
        services.TryAddSingleton<AuditTrail>();
        var builder = services.AddOptions<AuditDigestOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        if (digests)
        {
            services.AddHostedService<AuditDigestService>();
        }

        return services;
    }
}
