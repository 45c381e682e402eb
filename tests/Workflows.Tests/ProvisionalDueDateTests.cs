using Governance.Domain.Calendar;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

/// <summary>A step due in a year without a holiday notice says so in its open step and in every notice about it.</summary>
public sealed class ProvisionalDueDateTests
{
    private const string Suffix = " (provisional: the 2027 holiday notice is not loaded)";
    private const string SuffixZh = "（暂定：2027年节假日安排通知尚未载入）";

    /// <summary>A standalone project started Wednesday 3 February 2027, 10:00 China time, whose survey (3 working days) is late.</summary>
    private static OrchestrationHarness Project2027()
    {
        var h = new OrchestrationHarness(new DateTime(2027, 2, 3, 2, 0, 0, DateTimeKind.Utc), "proj2027") { Calendar = WorkingDayCalendar.China }
            .RaiseAt(new DateTime(2027, 2, 16, 2, 0, 0, DateTimeKind.Utc), nameof(NeedsSurveyCompleted), new NeedsSurveyCompleted("需求", 120))
            .Respond(nameof(ApplicationSubmitted), Payloads.Application("兴华园社区", "儿童空间", 6_500m, 0, 1, months: 1))
            .Respond(nameof(SupportPollCompleted), new SupportPollCompleted(100, 80))
            .Respond(nameof(ProjectReviewed), new ProjectReviewed(10m, "街道社区服务中心"));
        h.Settings.CommunityProjects.CommunityStepWorkingDays = 3;
        return h;
    }

    [Fact]
    public async Task Open_step_reminder_and_escalation_of_a_2027_step_are_marked_provisional()
    {
        var h = Project2027();

        await h.RunAsync(new ProjectLifecycleOrchestrator(), new ProjectLifecycleInput("清源街道", "兴华园社区", 2027, "儿童空间", PerProjectCap: 10_000m));

        var open = h.Statuses.SelectMany(s => s.OpenSteps).First(s => s.EventName == nameof(NeedsSurveyCompleted));
        Assert.Equal(new DateOnly(2027, 2, 12), open.DueDate); // 春节 5–10 February with 补假, provisional
        Assert.Equal([2027], open.Provisional!.Years);

        var survey = h.Notifications.Where(n => n.EventName == nameof(NeedsSurveyCompleted)).ToList();
        Assert.Contains(survey, n => n.Kind == "Reminder");
        Assert.Contains(survey, n => n.Kind == "Escalation");
        Assert.All(survey, n =>
        {
            Assert.Contains("2027-02-12" + Suffix, n.MessageEn);
            Assert.Contains("2027-02-12" + SuffixZh, n.MessageZh);
        });
    }

    [Fact]
    public async Task A_calendar_change_for_a_year_the_plan_does_not_depend_on_changes_nothing()
    {
        // The survey step of a 2027 project waits for "CalendarChanged:NeedsSurveyCompleted#1" while provisional; a
        // notice for another year (a duplicate, or a neighbour's) must neither re-plan nor duplicate its reminders.
        var h = Project2027()
            .RaiseAt(new DateTime(2027, 2, 4, 2, 0, 0, DateTimeKind.Utc), Common.CalendarChanged.EventNameFor("NeedsSurveyCompleted#1"), new Common.CalendarChanged([2030]));

        await h.RunAsync(new ProjectLifecycleOrchestrator(), new ProjectLifecycleInput("清源街道", "兴华园社区", 2027, "儿童空间", PerProjectCap: 10_000m));

        Assert.Empty(h.NotAwaited); // the calendar event was awaited...
        Assert.DoesNotContain(h.Notifications, n => n.Kind == Common.NotificationKinds.DueDateReplanned); // ...and changed nothing
        var reminders = h.Notifications.Where(n => n.EventName == nameof(NeedsSurveyCompleted) && n.Kind == "Reminder").Select(n => n.NoticeId).ToList();
        Assert.Equal(reminders.Distinct().Count(), reminders.Count);
        Assert.All(h.Statuses.SelectMany(s => s.OpenSteps).Where(s => s.EventName == nameof(NeedsSurveyCompleted)), s => Assert.Equal(new DateOnly(2027, 2, 12), s.DueDate));
    }

    [Fact]
    public async Task A_step_in_a_year_with_its_notice_is_not_marked()
    {
        var h = new OrchestrationHarness(Payloads.RoundOpensUtc, "proj2025") { Calendar = WorkingDayCalendar.China }
            .Respond(nameof(NeedsSurveyCompleted), new NeedsSurveyCompleted("需求", 120))
            .Respond(nameof(ApplicationSubmitted), Payloads.Application("兴华园社区", "儿童空间", 6_500m, 0, 1, months: 1))
            .Respond(nameof(SupportPollCompleted), new SupportPollCompleted(100, 80))
            .Respond(nameof(ProjectReviewed), new ProjectReviewed(10m, "街道社区服务中心"));

        await h.RunAsync(new ProjectLifecycleOrchestrator(), new ProjectLifecycleInput("清源街道", "兴华园社区", 2025, "儿童空间", PerProjectCap: 10_000m));

        Assert.All(h.Statuses.SelectMany(s => s.OpenSteps), s => Assert.Null(s.Provisional));
    }
}
