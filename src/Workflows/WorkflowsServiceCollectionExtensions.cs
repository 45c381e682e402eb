using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.AnnualReviews;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Incubation;
using Governance.Workflows.JointCommittee;
using Governance.Workflows.SelfManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Governance.Workflows;

public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the governance processes: orchestrators and activities, the <see cref="IWorkflowCatalog"/>, the
    /// <see cref="WorkingDayCalendar"/> (China plus <see cref="WorkflowSettings.ExtraHolidaysJson"/>/<see cref="WorkflowSettings.ExtraHolidaysFile"/>),
    /// the <see cref="NotificationOutbox"/>, <see cref="WorkflowSettings"/> options and the demo scenarios.
    /// To bind configuration, the host adds <c>services.Configure&lt;WorkflowSettings&gt;(configuration.GetSection(WorkflowSettings.SectionName))</c>.
    /// </summary>
    public static IDurableTaskBuilder AddGovernanceWorkflows(this IDurableTaskBuilder builder, Action<WorkflowSettings>? configure = null)
    {
        var services = builder.Services;
        // Reminders and escalations are what people were told: on the audit trail, not only in the history.
        services.Configure<DurableTaskOptions>(o => o.AuditedActivities.Add(nameof(RecordNotificationActivity)));
        // Checked when the host starts (a bad value stops it naming the setting), not first when an instance loads it.
        var options = services.AddOptions<WorkflowSettings>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowSettings>, WorkflowSettingsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => BuildCalendar(sp.GetRequiredService<IOptions<WorkflowSettings>>().Value));
        services.TryAddSingleton<NotificationOutbox>();
        services.TryAddSingleton<IWorkflowCatalog>(new GovernanceWorkflowCatalog([CommunityProjectsCatalog.FundingRound, CommunityProjectsCatalog.Project,
            SelfManagementCatalog.EstateCommittee, SelfManagementCatalog.EstateProblem, IncubationCatalog.Incubation,
            JointCommitteeCatalog.Committee, JointCommitteeCatalog.WorkOrder, AnnualReviewsCatalog.TwoWayEvaluation, AnnualReviewsCatalog.EvaluationMeeting]));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDemoScenario, QingyuanPilotProjectsDemo>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDemoScenario, LiuheEstateCommitteeDemo>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDemoScenario, LiuheIncubationDemo>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDemoScenario, LiuheJointCommitteeDemo>());
        services.AddHostedService<CalendarChangeBroadcaster>();

        return builder.AddTasks(registry => registry
            .AddOrchestrator<FundingRoundOrchestrator>()
            .AddOrchestrator<ProjectLifecycleOrchestrator>()
            .AddActivity<LoadCommunityProjectRulesActivity>()
            .AddActivity<PlanHumanStepActivity>()
            .AddActivity<RecordNotificationActivity>()
            .AddActivity<StartLinkedProjectActivity>()
            .AddOrchestrator<EstateCommitteeOrchestrator>()
            .AddOrchestrator<EstateProblemOrchestrator>()
            .AddActivity<LoadSelfManagementRulesActivity>()
            .AddOrchestrator<IncubationOrchestrator>()
            .AddActivity<LoadIncubationRulesActivity>()
            .AddOrchestrator<JointCommitteeOrchestrator>()
            .AddOrchestrator<WorkOrderOrchestrator>()
            .AddActivity<LoadJointCommitteeRulesActivity>()
            .AddActivity<StartWorkOrderActivity>()
            .AddOrchestrator<TwoWayEvaluationOrchestrator>()
            .AddOrchestrator<EvaluationMeetingOrchestrator>()
            .AddActivity<LoadAnnualReviewRulesActivity>()
            .AddActivity<FindYearProjectsActivity>()
            .AddActivity<SubmitProjectRatingActivity>());
    }

    internal static WorkingDayCalendar BuildCalendar(WorkflowSettings settings)
    {
        var calendar = WorkingDayCalendar.China;
        foreach (string? json in new[] { settings.ExtraHolidaysJson, settings.ExtraHolidaysFile is { } file ? File.ReadAllText(file) : null })
        {
            if (!string.IsNullOrWhiteSpace(json))
            {
                var extra = WorkingDayCalendar.FromJson(json);
                calendar = calendar.WithSchedules(extra.Years.Select(y => extra.ScheduleFor(y)!));
            }
        }

        return calendar;
    }
}
