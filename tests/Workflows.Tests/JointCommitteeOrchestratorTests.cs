using Governance.Domain.Calendar;
using Governance.Domain.JointCommittee;
using Governance.Workflows.Common;
using Governance.Workflows.JointCommittee;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class JointCommitteeOrchestratorTests
{
    internal static readonly string[] Units = ["浏河社区党委", "浏河镇派出所", "浏河镇卫生院", "物业公司党支部"];
    private static readonly DateTime YearStartsUtc = ChinaTime.StartOfDay(new DateOnly(2026, 1, 1)).UtcDateTime;

    internal static DateTime At(int month, int day, int hour = 10) => ChinaTime.At(new DateOnly(2026, month, day), new TimeOnly(hour, 0)).UtcDateTime;

    internal static JointMeetingMinutesRecorded Minutes(IReadOnlyList<AssignedTask>? tasks = null, IReadOnlyList<MatchedProject>? projects = null)
        => new(Units, ["老旧小区停车难"], ["划定临时停车位"], tasks, projects);

    private static (OrchestrationHarness Harness, List<StartWorkOrderRequest> Orders, List<LinkedProjectStart> Projects) Year2026()
    {
        var orders = new List<StartWorkOrderRequest>();
        var h = new OrchestrationHarness(YearStartsUtc, "liuhe-committee")
        {
            OtherActivities = (name, input) => name switch
            {
                nameof(LoadJointCommitteeRulesActivity) => JointCommitteeRules.From(new WorkflowSettings()),
                nameof(StartWorkOrderActivity) => Recorded(orders, (StartWorkOrderRequest)input!).InstanceId,
                _ => null,
            },
        };

        // Q1: three units list their resources at once, the fourth only in April (reminded and escalated alone).
        foreach (string unit in Units[..3])
        {
            h.RaiseAt(At(1, 6), nameof(UnitResourcesUpdated), new UnitResourcesUpdated(unit, ["活动室", "志愿者10名"]));
        }

        h.RaiseAt(At(4, 10), nameof(UnitResourcesUpdated), new UnitResourcesUpdated(Units[3], ["物业服务中心会议室"]));
        h.RaiseAt(At(1, 5), nameof(JointMeetingScheduled), new JointMeetingScheduled(new DateOnly(2026, 1, 20), Units[2]));
        h.RaiseAt(At(1, 12), nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(["停车难", "四点半课堂"], Units[2]));
        h.RaiseAt(At(1, 21), nameof(JointMeetingMinutesRecorded), Minutes() with { AttendingUnits = ["浏河镇卫生院", "不存在的单位"] });
        h.RaiseAt(At(1, 22), nameof(JointMeetingMinutesRecorded), Minutes([new(Units[0], "排查停车位"), new(Units[0], "组织志愿者"), new(Units[1], "夜间巡逻")],
            [new MatchedProject("四点半课堂", Units[2], 20_000m, "双职工家庭子女放学无人看护")]));
        h.RaiseAt(At(2, 2), nameof(WorkOrderRaised), new WorkOrderRaised("3号楼楼道堆物清理", "楼道堆放杂物存在消防隐患", new DateOnly(2026, 2, 13), "浏河社区"));
        h.RaiseAt(At(2, 3), nameof(ProblemReported), new ProblemReported("独居老人就医不便", ProblemSource.DoorKnocking, "党员王某"));
        h.RaiseAt(At(4, 2), nameof(JointMeetingScheduled), new JointMeetingScheduled(new DateOnly(2026, 4, 21), Units[3]));
        h.RaiseAt(At(4, 13), nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(["独居老人就医"], Units[3]));
        h.RaiseAt(At(4, 23), nameof(JointMeetingMinutesRecorded), Minutes());
        h.RaiseAt(At(6, 1), nameof(ExtraSessionCalled), new ExtraSessionCalled(new DateOnly(2026, 6, 10), "汛期防汛", ["防汛值守"], Units[0]));
        h.RaiseAt(At(6, 11), nameof(ExtraSessionMinutesRecorded), new ExtraSessionMinutesRecorded(Units, ["防汛"], ["成立防汛突击队"], [new(Units[3], "清理排水沟")]));
        // Q3: nobody sets a date.
        h.RaiseAt(At(10, 9), nameof(JointMeetingScheduled), new JointMeetingScheduled(new DateOnly(2026, 10, 27), Units[1]));
        h.RaiseAt(At(10, 19), nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(["年底测评安排"], Units[1]));
        h.RaiseAt(At(10, 28), nameof(JointMeetingMinutesRecorded), Minutes());
        h.RaiseAt(At(12, 10), nameof(YearEndAssessed), new YearEndAssessed(
            [new(Units[0], 2, 90m), new(Units[1], 1, 85m), new(Units[2], 0, 80m), new(Units[3], 1, 88m)], "浏河镇党委"));
        return (h, orders, h.LinkedStarts); // the harness starts linked projects itself
    }

    private static T Recorded<T>(List<T> list, T item)
    {
        list.Add(item);
        return item;
    }

    [Fact]
    public async Task An_upheld_objection_to_the_projects_list_starts_none_of_its_projects()
    {
        var (h, _, projects) = Year2026();
        // The Q1 minutes (22 January) match one project; its list is publicised, and an objection to it is upheld.
        h.RaiseAt(At(1, 23), Publicity.ObjectionEvent, new Objection("居民代表", "四点半课堂选址未征求意见"));
        h.RaiseAt(At(1, 26), Publicity.RulingEvent, new ObjectionRuled(true, "选址须重新征求意见", "浏河社区党委"));

        var year = await h.RunAsync(new JointCommitteeOrchestrator(), new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units, ChairRotation: 2));

        Assert.Empty(projects);
        Assert.Empty(year.Projects);
        Assert.Contains(h.DeliveredEvents, e => e.Name == Publicity.RulingEvent);
    }

    [Fact]
    public async Task Each_project_keeps_its_own_id_whatever_failed_or_was_matched_before_it_and_its_start_is_retried()
    {
        var (h, _, projects) = Year2026();
        // The Q2 minutes (the day after the meeting) match two projects; the first cannot be started (after its retries), the second can.
        h.RaiseAt(At(4, 22), nameof(JointMeetingMinutesRecorded), Minutes(projects:
        [
            new MatchedProject("社区食堂", Units[0], 30_000m, "独居老人吃饭难"),
            new MatchedProject("四点半课堂", Units[2], 20_000m, "双职工家庭子女放学无人看护"),
        ]));
        h.LinkedStartFails = start => start.Project.ProjectName == "社区食堂";

        var year = await h.RunAsync(new JointCommitteeOrchestrator(), new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units, ChairRotation: 2));

        // 四点半课堂, matched in Q1 and again in Q2, is one project; 社区食堂 never takes its id (nor it 社区食堂's).
        Assert.Equal(["2026-四点半课堂", "2026-四点半课堂"], projects.Select(p => p.Key));
        Assert.Equal(["liuhe-committee:project:2026-四点半课堂"], year.Projects.Select(p => p.InstanceId));
        Assert.Contains(h.Notifications, n => n.NoticeId.EndsWith("Project.2026-社区食堂.notStarted", StringComparison.Ordinal));
        Assert.All(h.ActivityOptions.Where(a => a.Name == nameof(StartLinkedProjectActivity)), a => Assert.NotNull(a.Options?.Retry));
    }

    [Fact]
    public async Task A_year_has_four_regular_meetings_with_notices_and_reminders_a_missed_quarter_escalates_and_the_next_year_follows()
    {
        var (h, orders, projects) = Year2026();
        var input = new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units, ChairRotation: 2);

        var year = await h.RunAsync(new JointCommitteeOrchestrator(), input);

        Assert.Empty(h.NotAwaited);
        Assert.Equal([1, 2, 3, 4], year.RegularMeetings.Select(m => m.Quarter));
        Assert.Equal([true, true, false, true], year.RegularMeetings.Select(m => m.Held));
        Assert.Equal([Units[2], Units[3], Units[0], Units[1]], year.RegularMeetings.Select(m => m.Chair)); // rotation 2, 3, 4, 5 of four units

        // Each held meeting: its notice step due 7 days before, the reminder to every unit at 09:00 the day before.
        var reminders = h.Notifications.Where(n => n.NoticeId.StartsWith("2026.Meeting.Q", StringComparison.Ordinal)).ToList();
        Assert.Equal(["2026.Meeting.Q1.Reminder", "2026.Meeting.Q2.Reminder", "2026.Meeting.Q4.Reminder"], reminders.Select(n => n.NoticeId));
        Assert.All(reminders, n => Assert.Equal(CommitteeYear.MemberUnitsRecipient, n.Recipient));
        Assert.Equal(At(1, 19, 9), reminders[0].NoticeAt.UtcDateTime);
        Assert.Equal(At(10, 26, 9), reminders[2].NoticeAt.UtcDateTime);
        var noticeSteps = h.Statuses.SelectMany(s => s.OpenSteps).Where(o => o.EventName == nameof(JointMeetingNoticeIssued)).Select(o => o.DueDate).Distinct();
        Assert.Equal([new DateOnly(2026, 1, 13), new DateOnly(2026, 4, 14), new DateOnly(2026, 10, 20)], noticeSteps);

        // Q3 ended without a meeting: escalated to the street office on its last day; its steps were withdrawn.
        var missed = Assert.Single(h.Notifications, n => n.NoticeId == "2026.JointMeetingScheduled.Q3.missed");
        Assert.Equal((EscalationLevel.StreetOffice, Roles.StreetOffice, new DateOnly(2026, 9, 30)), ((EscalationLevel)missed.EscalationLevel, missed.Recipient, missed.NoticeDate));
        Assert.DoesNotContain(h.Notifications, n => n.NoticeId.Contains(".Q1.missed") || n.NoticeId.Contains(".Q4.missed"));

        // The minutes' refusal named the field and rule; the step stayed open and took the corrected minutes.
        var refused = Assert.Single(h.Rejected);
        Assert.Equal(("minutes.attendance", "attendingUnits"), (refused.Refusal.Rule, refused.Refusal.Field));

        // Resources: only the late unit is reminded and escalated, by name.
        var resourceNotices = h.Notifications.Where(n => n.EventName == nameof(UnitResourcesUpdated)).ToList();
        Assert.NotEmpty(resourceNotices);
        Assert.All(resourceNotices, n => Assert.Contains(Units[3], n.MessageZh));
        Assert.DoesNotContain(resourceNotices, n => Units[..3].Any(u => n.MessageZh.Contains(u)));
        Assert.Contains(resourceNotices, n => n.Kind == NotificationKinds.Escalation && n.Recipient == Units[3] + ".supervisor");

        // The four lists and the work order.
        Assert.Equal((1, 4, 1, 1), (year.ProblemsCollected, year.UnitsWithResources, year.ExtraSessions, year.WorkOrdersRaised));
        var order = Assert.Single(orders);
        Assert.Equal("liuhe-committee:order:2026-001", order.InstanceId);
        var project = Assert.Single(projects);
        Assert.Equal(("2026-四点半课堂", "四点半课堂", 20_000m), (project.Key, project.Project.ProjectName, project.Project.PerProjectCap));
        Assert.Equal("liuhe-committee:project:2026-四点半课堂", Assert.Single(year.Projects).InstanceId);

        // Year-end scores on the assigned tasks (60% completion, 40% rating), publicised.
        Assert.Equal([(2, 2, 96.0m), (1, 1, 94.0m), (0, 0, 92.0m), (1, 1, 95.2m)], year.Scores.Select(s => (s.TasksAssigned, s.TasksCompleted, s.Score)));
        Assert.Contains(h.Notifications, n => n.Kind == NotificationKinds.PublicityPosted && n.MessageZh.Contains("成员单位测评结果"));

        // Then the next year: the chair carries on from rotation 6, with last year's summary as the only state.
        var next = Assert.IsType<JointCommitteeInput>(h.ContinuedAsNewWith);
        Assert.Equal((2027, 6), (next.Year, next.ChairRotation));
        Assert.Equal(year, next.PreviousYear);
        Assert.Equal(Units[2], new MemberUnits(Units).ChairAt(next.ChairRotation)); // 2027 Q1
        Assert.True(h.Now >= ChinaTime.StartOfDay(new DateOnly(2027, 1, 1)).UtcDateTime);
    }

    [Fact]
    public async Task Resources_step_re_plans_when_the_holiday_notice_its_due_date_counts_in_is_loaded()
    {
        // 2027 has no holiday notice in the calendar: the resources step (due at the end of Q1) is provisional, so like
        // every human step it waits for the calendar change and re-plans; its later reminders get their own ids.
        var h = new OrchestrationHarness(ChinaTime.StartOfDay(new DateOnly(2027, 1, 1)).UtcDateTime, "liuhe-2027")
        {
            Calendar = WorkingDayCalendar.China,
            OtherActivities = (name, _) => name == nameof(LoadJointCommitteeRulesActivity) ? JointCommitteeRules.From(new WorkflowSettings()) : null,
        };
        h.RaiseAt(ChinaTime.At(new DateOnly(2027, 1, 4), new TimeOnly(10, 0)).UtcDateTime,
            CalendarChanged.EventNameFor(HumanStep.StepToken(nameof(UnitResourcesUpdated), 1)), new CalendarChanged([2027]));

        // Nobody acts in 2027: the year ends up waiting for its assessment.
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.RunAsync(new JointCommitteeOrchestrator(),
            new JointCommitteeInput("浏河镇", "浏河社区", 2027, Units) with { LastYear = 2027 }));

        Assert.Single(h.Notifications, n => n.EventName == nameof(UnitResourcesUpdated) && n.Kind == NotificationKinds.DueDateReplanned);
        Assert.Contains(h.Notifications, n => n.NoticeId == "2027.UnitResourcesUpdated.3.r1.Reminder.-3");
        Assert.DoesNotContain(h.Notifications, n => n.NoticeId == "2027.UnitResourcesUpdated.3.Reminder.-3");
    }

    [Fact]
    public async Task The_next_years_notices_never_reuse_this_years_ids()
    {
        // The outbox keeps one row per instance and notice id; occurrences count from 1 again in every execution.
        var (first, _, _) = Year2026();
        await first.RunAsync(new JointCommitteeOrchestrator(), new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units));
        var next = (JointCommitteeInput)first.ContinuedAsNewWith!;
        var second = new OrchestrationHarness(first.Now, "liuhe-committee")
        {
            OtherActivities = (name, _) => name == nameof(LoadJointCommitteeRulesActivity) ? JointCommitteeRules.From(new WorkflowSettings()) : null,
        };
        // 2027 runs without anybody acting: every step reminds and escalates, every quarter is missed, and the year
        // stays waiting for its assessment.
        var stuck = await Assert.ThrowsAsync<InvalidOperationException>(() => second.RunAsync(new JointCommitteeOrchestrator(), next with { LastYear = 2027 }));
        Assert.Contains("stuck", stuck.Message);
        Assert.Contains(second.Statuses[^1].OpenSteps, o => o.EventName == nameof(YearEndAssessed));

        Assert.Contains(second.Notifications, n => n.NoticeId == "2027.JointMeetingScheduled.Q1.missed");
        // The late unit's first reminder has the same id in both years but for the year.
        Assert.Contains(first.Notifications, n => n.NoticeId == "2026.UnitResourcesUpdated.3.Reminder.-3");
        Assert.Contains(second.Notifications, n => n.NoticeId == "2027.UnitResourcesUpdated.3.Reminder.-3");
        Assert.Empty(first.Notifications.Select(n => n.NoticeId).Intersect(second.Notifications.Select(n => n.NoticeId)));
    }

    [Fact]
    public async Task A_work_order_that_cannot_be_started_is_reported_and_later_orders_are_still_taken()
    {
        var started = new List<StartWorkOrderRequest>();
        var h = new OrchestrationHarness(YearStartsUtc, "liuhe-committee")
        {
            OtherActivities = (name, input) => name switch
            {
                nameof(LoadJointCommitteeRulesActivity) => JointCommitteeRules.From(new WorkflowSettings()),
                nameof(StartWorkOrderActivity) when ((StartWorkOrderRequest)input!).Input.Number == 1 =>
                    throw new Governance.Durable.TaskFailedException(name, 7, new Governance.Durable.TaskFailureDetails("RequestFailedException", "storage unavailable")),
                nameof(StartWorkOrderActivity) => Recorded(started, (StartWorkOrderRequest)input!).InstanceId,
                _ => null,
            },
        };
        h.RaiseAt(At(2, 2), nameof(WorkOrderRaised), new WorkOrderRaised("楼道堆物", "消防隐患", new DateOnly(2026, 2, 13), "浏河社区"))
            .RaiseAt(At(2, 3), nameof(WorkOrderRaised), new WorkOrderRaised("路灯维修", "夜间照明", new DateOnly(2026, 2, 13), "浏河社区"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.RunAsync(new JointCommitteeOrchestrator(), new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units)));

        Assert.Equal([2], started.Select(o => o.Input.Number));
        var reported = Assert.Single(h.Notifications, n => n.NoticeId == "2026.WorkOrderRaised.1.notStarted");
        Assert.Contains("storage unavailable", reported.MessageEn);
        Assert.DoesNotContain(h.NotAwaited, e => e.EventName == nameof(WorkOrderRaised));
    }

    [Fact]
    public async Task The_last_year_ends_the_committee_instead_of_continuing_and_the_assessment_opens_in_december()
    {
        var (h, _, _) = Year2026();
        h.RaiseAt(At(11, 2), nameof(YearEndAssessed), new YearEndAssessed([], "浏河镇党委"));

        await h.RunAsync(new JointCommitteeOrchestrator(), new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units, LastYear: 2026));

        Assert.Null(h.ContinuedAsNewWith);
        Assert.Equal([(nameof(YearEndAssessed), At(11, 2))], h.NotAwaited); // Q4's minutes were in on 28 October, the assessment opened on 1 December
    }

    [Fact]
    public void A_meeting_date_inside_the_notice_period_or_outside_its_quarter_is_refused_by_rule()
    {
        var q2 = new Quarter(2026, 2);
        var early = Assert.Throws<Governance.Domain.DomainRuleException>(() => JointMeeting.CheckDate(new DateOnly(2026, 4, 5), new DateOnly(2026, 4, 1), 7, q2));
        Assert.Equal("meeting.noticePeriod", early.Code);
        var outside = Assert.Throws<Governance.Domain.DomainRuleException>(() => JointMeeting.CheckDate(new DateOnly(2026, 7, 2), new DateOnly(2026, 4, 1), 7, q2));
        Assert.Equal("meeting.date", outside.Code);
        Assert.Equal(new DateOnly(2026, 4, 8), JointMeeting.CheckDate(new DateOnly(2026, 4, 8), new DateOnly(2026, 4, 1), 7, q2));
    }
}
