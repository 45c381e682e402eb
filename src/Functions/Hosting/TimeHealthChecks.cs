using Governance.Domain.Calendar;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Hosting;

/// <summary>/healthz "calendar": degraded (still HTTP 200) while a holiday notice that is due by now is not loaded.</summary>
internal sealed class CalendarHealthCheck(IOptions<ServiceSettings> settings, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(Check(settings.Value.Calendar, ChinaTime.Today(clock)));

    public static HealthCheckResult Check(WorkingDayCalendar calendar, DateOnly today)
    {
        var missing = HolidayNoticeCoverage.MissingNotices(calendar, today);
        if (ProvisionalDueDate.For(missing) is not { } provisional)
        {
            return HealthCheckResult.Healthy($"Holiday notices loaded for {string.Join(", ", calendar.Years)}. / 已载入{string.Join("、", calendar.Years)}年节假日安排。");
        }

        return HealthCheckResult.Degraded(
            $"Due dates in {string.Join(", ", missing)} are {provisional.Note}; add the State Council notice with governance.calendar.holidaysFile. / " +
            $"{string.Join("、", missing)}年的期限为{provisional.NoteZh}，请通过 governance.calendar.holidaysFile 载入国务院通知。");
    }
}

/// <summary>/healthz "clock": which clock the service runs on (real or simulated, and from where it started).</summary>
internal sealed class ClockHealthCheck(ServiceClock clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(HealthCheckResult.Healthy(clock.Describe()));
}

/// <summary>Logs the clock and, as a warning, any holiday notice that is due by now but not loaded.</summary>
internal sealed class TimeStartupReport(ServiceClock clock, TimeProvider time, IOptions<ServiceSettings> settings, ILogger<TimeStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Clock: {Clock}", clock.Describe());
        if (clock.Start?.Warning is { } warning)
        {
            logger.LogWarning("Clock: {Warning}", warning);
        }

        var calendar = CalendarHealthCheck.Check(settings.Value.Calendar, ChinaTime.Today(time));
        if (calendar.Status != HealthStatus.Healthy)
        {
            logger.LogWarning("Calendar: {Problem}", calendar.Description);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
