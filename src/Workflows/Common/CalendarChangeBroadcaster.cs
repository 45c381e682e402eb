using System.Text.Json;
using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Workflows.Common;

/// <summary>
/// At start-up, tells every waiting human step whose due date was provisional for a year that now has its holiday
/// notice loaded (e.g. the 2027 notice added to governance.calendar.holidaysFile) to re-plan, by raising
/// <see cref="CalendarChanged"/>. Orchestrators never read the calendar: the new plan comes from an activity, so
/// replay stays deterministic. Steps already re-planned are no longer provisional for the year, so a restart
/// raises nothing twice; a duplicate (two hosts starting together) is addressed to one occurrence of a step and is
/// ignored by it when the plan no longer depends on the year. Scans the running instances once per start.
/// </summary>
public sealed class CalendarChangeBroadcaster(DurableTaskClient client, WorkingDayCalendar calendar, ILogger<CalendarChangeBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Storage may be slow to come up with the service: try again a few times rather than wait for the next restart.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                int raised = await BroadcastAsync(stoppingToken);
                if (raised > 0)
                {
                    logger.LogInformation("Calendar: {Count} waiting step(s) re-planned after holiday notices were loaded.", raised);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 5)
            {
                logger.LogWarning("Calendar: waiting steps could not be re-planned yet (attempt {Attempt}): {Error}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(5 * attempt), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("Calendar: waiting steps could not be re-planned; they keep their provisional due dates until the next start: {Error}", ex.Message);
                return;
            }
        }
    }

    /// <summary>Raises the event for every affected step; returns how many.</summary>
    public async Task<int> BroadcastAsync(CancellationToken cancellationToken)
    {
        var loaded = calendar.Years.ToHashSet();
        int raised = 0;
        // A suspended instance keeps the event until it is resumed.
        var query = new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended], PageSize: 500);
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            foreach (var step in StatusOf(instance)?.OpenSteps ?? [])
            {
                string eventName = CalendarChanged.EventNameFor(step.StepToken ?? step.EventName);
                var years = step.Provisional?.Years.Where(loaded.Contains).ToList() ?? [];
                if (years.Count > 0 && instance.WaitingForEvents.Contains(eventName))
                {
                    await client.RaiseEventAsync(instance.InstanceId, eventName, new CalendarChanged(years), cancellationToken);
                    raised++;
                }
            }
        }

        return raised;
    }

    private static WorkflowStatus? StatusOf(OrchestrationMetadata instance)
    {
        if (string.IsNullOrEmpty(instance.SerializedCustomStatus))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<WorkflowStatus>(instance.SerializedCustomStatus, DurableJson.Options);
        }
        catch (JsonException)
        {
            return null; // not a governance process
        }
    }
}
