using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.Tests;

/// <summary>Bad workflow settings stop the host when it starts, naming the setting (no storage is reached: validation comes first).</summary>
public sealed class SettingsValidationTests
{
    private static async Task<IReadOnlyList<string>> StartupFailuresAsync(Action<WorkflowSettings> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddDurableTask(o =>
        {
            o.ConnectionString = "UseDevelopmentStorage=true";
            o.HubName = "SettingsCheck";
        }).AddGovernanceWorkflows(configure);
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return ex.Failures.ToList();
    }

    [Fact]
    public async Task A_bad_process_setting_stops_the_host_naming_it()
    {
        var failures = await StartupFailuresAsync(s => s.JointCommittee.AssessmentDueDayOfDecember = 40);
        Assert.Contains(failures, f => f.StartsWith("Workflows:JointCommittee", StringComparison.Ordinal) && f.Contains("assessment day", StringComparison.Ordinal));

        failures = await StartupFailuresAsync(s => s.AnnualReviews.EvaluationMeetingDay = 31 + 30); // no 61 December
        Assert.Contains(failures, f => f.Contains("Workflows:AnnualReviews:EvaluationMeeting", StringComparison.Ordinal));

        failures = await StartupFailuresAsync(s => s.Incubation.SupportMonths = 0);
        Assert.Contains(failures, f => f.Contains("SupportMonths", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_shared_escalation_is_reported_once()
    {
        var failures = await StartupFailuresAsync(s => s.Escalation.StreetOfficeAfterWorkingDays = 0);
        var failure = Assert.Single(failures);
        Assert.StartsWith("Workflows:Escalation: ", failure);
    }

    [Fact]
    public void Default_settings_are_valid()
        => Assert.True(new WorkflowSettingsValidator().Validate(null, new WorkflowSettings()).Succeeded);
}
