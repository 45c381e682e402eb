using Governance.Durable;
using Governance.Workflows;
using Governance.Workflows.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Hosting;

/// <summary>Registers the governance workflows with the host's settings (calendar file, escalation defaults).</summary>
internal static class WorkflowRegistration
{
    public static void Register(IDurableTaskBuilder durable, IConfiguration configuration)
    {
        durable.AddGovernanceWorkflows();

        // host.json's governance section gives the defaults; a "Workflows" section (host.json, env Workflows__…) refines per process.
        durable.Services.AddOptions<WorkflowSettings>()
            .Configure<IOptions<ServiceSettings>>((w, s) =>
            {
                var settings = s.Value;
                w.ExtraHolidaysFile = settings.HolidaysFile;
                w.Escalation = new EscalationSettings
                {
                    RemindWorkingDaysBefore = settings.Escalation.RemindWorkingDaysBefore.ToArray(),
                    SupervisorAfterWorkingDays = settings.Escalation.SupervisorAfterWorkingDays,
                    StreetOfficeAfterWorkingDays = settings.Escalation.StreetOfficeAfterWorkingDays,
                    DistrictAfterWorkingDays = settings.Escalation.DistrictAfterWorkingDays,
                };
            })
            .Bind(configuration.GetSection(WorkflowSettings.SectionName));
    }
}

/// <summary>Notifications for GET /api/notifications (reminders and escalations the workflows wrote to their outbox).</summary>
public interface INotificationFeed
{
    Task<IReadOnlyList<object>> QueryAsync(string? instanceId, string? street, string? community, int top, CancellationToken cancellationToken);
}

internal sealed class OutboxNotificationFeed(NotificationOutbox outbox) : INotificationFeed
{
    public async Task<IReadOnlyList<object>> QueryAsync(string? instanceId, string? street, string? community, int top, CancellationToken cancellationToken)
        => (await outbox.QueryAsync(instanceId, street, community, top, cancellationToken)).Cast<object>().ToList();

    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton<NotificationOutbox>();
        services.TryAddSingleton<INotificationFeed, OutboxNotificationFeed>();
    }
}
