using Governance.Domain.Calendar;
using Governance.Domain.Projects;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class ProjectLifecycleOrchestratorTests
{
    private static readonly DateOnly Start = new(2025, 3, 3);

    private static OrchestrationHarness Funded(string instanceId = "round1:project:1")
        => new(Payloads.RoundOpensUtc, instanceId) { Calendar = WorkingDayCalendar.China };

    [Fact]
    public async Task Funded_project_runs_from_team_to_closing_with_a_rectified_audit_finding()
    {
        var h = Funded()
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .Respond(nameof(ProgressReported), new ProgressReported("爱心超市开业", 2, 120, 4_000m))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_600m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(false, [new AuditFinding("培训费缺少三张发票", new DateOnly(2025, 5, 30))], "项目监审组"))
            .Respond(nameof(RectificationSubmitted), new RectificationSubmitted("已补齐发票"))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(200, 192, new DateOnly(2025, 6, 20)));

        var outcome = await h.RunAsync(new ProjectLifecycleOrchestrator(), Payloads.FundedProject());

        Assert.Equal(ProjectResult.Closed, outcome.Result);
        Assert.Equal(2, outcome.AuditRounds);
        Assert.Equal(0.96m, outcome.SatisfactionRate);
        Assert.Equal(9_600m, outcome.Spent);
        Assert.Equal([nameof(TeamFormed), nameof(ProgressReported), nameof(CompletionDocumentsSubmitted), nameof(AuditCompleted), nameof(RectificationSubmitted), nameof(AuditCompleted), nameof(SatisfactionRated)],
            h.DeliveredEvents.Select(e => e.Name));
        Assert.Contains(h.Statuses, s => s.StepEn == "Oversight group re-audit (round 2)");
        Assert.Equal("已结项", h.Statuses[^1].StepZh);
        Assert.Empty(h.Statuses[^1].OpenSteps);
        Assert.Contains(h.Notifications, n => n.Kind == NotificationKinds.PublicityEnded);
        // Settings were read by an activity (recorded in history), not by the orchestrator.
        Assert.Contains(nameof(LoadCommunityProjectRulesActivity), h.Activities);
    }

    [Fact]
    public async Task A_duplicate_month_report_is_refused_and_never_taken_as_the_next_month()
    {
        // Month 1 ends 2025-04-02 and its report is answered at once; a copy sent on 04-15 (month 2 still running)
        // finds no open step, and month 2 takes only its own report.
        var h = Funded()
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .Respond(nameof(ProgressReported), new ProgressReported("第1个月", 1, 10, 1_000m))
            .RaiseAt(ChinaTime.At(new DateOnly(2025, 4, 15), new TimeOnly(10, 0)).UtcDateTime, nameof(ProgressReported), new ProgressReported("第1个月(重复)", 1, 10, 1_000m))
            .Respond(nameof(ProgressReported), new ProgressReported("第2个月", 2, 20, 2_000m))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 2_000m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(100, 97, new DateOnly(2025, 6, 20)));

        await h.RunAsync(new ProjectLifecycleOrchestrator(), Payloads.FundedProject(months: 2));

        Assert.Equal(ChinaTime.At(new DateOnly(2025, 4, 15), new TimeOnly(10, 0)).UtcDateTime, Assert.Single(h.NotAwaited).At);
        var reports = h.Accepted.Where(a => a.EventName == nameof(ProgressReported)).ToList();
        Assert.Equal(["ProgressReported#1", "ProgressReported#2"], reports.Select(r => r.StepToken));
        Assert.StartsWith("Month 2 report accepted: spent 2000", reports[1].SummaryEn);
    }

    [Fact]
    public async Task An_objection_made_while_another_is_being_ruled_on_is_taken_and_ruled_next()
    {
        var h = Funded()
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .Respond(nameof(ProgressReported), new ProgressReported("爱心超市开业", 2, 120, 4_000m))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_600m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(200, 192, new DateOnly(2025, 6, 20)))
            .Respond(Publicity.ObjectionEvent, new Objection("居民甲", "满意度样本偏少"))
            .Respond(Publicity.ObjectionEvent, new Objection("居民乙", "未见公示原件")) // arrives while the first is being ruled on
            .Respond(Publicity.RulingEvent, new ObjectionRuled(false, "样本符合规定", "街道"))
            .Respond(Publicity.RulingEvent, new ObjectionRuled(false, "原件已张贴", "街道"));

        var outcome = await h.RunAsync(new ProjectLifecycleOrchestrator(), Payloads.FundedProject());

        Assert.Equal(ProjectResult.Closed, outcome.Result);
        Assert.Empty(h.NotAwaited);
        Assert.Equal(2, h.Notifications.Count(n => n.Kind == NotificationKinds.ObjectionRaised));
        Assert.Equal(2, h.Notifications.Count(n => n.Kind == NotificationKinds.ObjectionRuled));
        Assert.Contains(h.Notifications, n => n.Kind == NotificationKinds.PublicityEnded && n.MessageEn.Contains("2 objection(s)"));
        var raisedAt = h.DeliveredEvents.Where(e => e.Name == Publicity.ObjectionEvent).Select(e => e.At).ToList();
        var firstRulingAt = h.DeliveredEvents.First(e => e.Name == Publicity.RulingEvent).At;
        Assert.True(raisedAt[1] <= firstRulingAt, "the second objection came before the first ruling");
    }

    [Fact]
    public async Task A_late_monthly_report_is_reminded_then_escalated_to_the_street_office()
    {
        // Month 1 ends 2025-04-02; the report is due 5 working days later (2025-04-10, after 清明 on 04-04).
        var h = Funded()
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .RaiseAt(ChinaTime.At(new DateOnly(2025, 4, 21), new TimeOnly(15, 0)).UtcDateTime, nameof(ProgressReported), new ProgressReported("迟交的报告", 1, 30, 2_000m))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_000m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(100, 97, new DateOnly(2025, 6, 20)));

        await h.RunAsync(new ProjectLifecycleOrchestrator(), Payloads.FundedProject());

        var notices = h.Notifications.Where(n => n.EventName == nameof(ProgressReported)).ToList();
        Assert.Equal(new DateOnly(2025, 4, 10), notices[0].DueDate);
        Assert.Equal([NotificationKinds.Reminder, NotificationKinds.Reminder, NotificationKinds.Escalation, NotificationKinds.Escalation],
            notices.Select(n => n.Kind));
        Assert.Equal([0, 0, (int)EscalationLevel.Supervisor, (int)EscalationLevel.StreetOffice], notices.Select(n => n.EscalationLevel));
        Assert.Equal(EscalationLevel.StreetOffice.ToEnglish(), notices[^1].EscalationLevelName);
        Assert.Equal(Roles.StreetOffice, notices[^1].Recipient);
        Assert.Equal(new DateOnly(2025, 4, 17), notices[^1].NoticeDate); // 5 working days after the due date
        Assert.DoesNotContain(notices, n => n.EscalationLevel == (int)EscalationLevel.District); // answered before day 10
        Assert.Contains(h.Statuses, s => s.OpenSteps.Any(o => o.EventName == nameof(ProgressReported) && o.EscalationLevel == (int)EscalationLevel.StreetOffice));
    }

    [Fact]
    public async Task Team_without_a_finance_lead_is_refused_and_the_step_stays_open()
    {
        var h = Funded()
            .Respond(nameof(TeamFormed), Payloads.Team(Start, withFinanceLead: false))
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .Respond(nameof(ProgressReported), new ProgressReported("进展", 1, 30, 9_000m))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_000m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(100, 97, new DateOnly(2025, 6, 20)));

        var outcome = await h.RunAsync(new ProjectLifecycleOrchestrator(), Payloads.FundedProject());

        var (eventName, refused) = Assert.Single(h.Rejected);
        Assert.Equal(nameof(TeamFormed), eventName);
        Assert.Contains("财务负责人", refused.MessageZh);
        Assert.Equal("members", refused.Field);
        Assert.Equal(ProjectResult.Closed, outcome.Result);
    }

    [Theory]
    [InlineData(499, 1000, ProjectResult.NotSupportedByResidents)]
    [InlineData(500, 1000, ProjectResult.Closed)]
    public async Task Standalone_project_applies_the_fifty_percent_rule(int supporters, int respondents, ProjectResult expected)
    {
        var application = Payloads.Application("兴华园社区", "儿童创意及表现空间", 6_500m, 0, 1, months: 1) with { NeedsSurvey = null, SupportPoll = null };
        var h = new OrchestrationHarness(Payloads.RoundOpensUtc, "proj1") { Calendar = WorkingDayCalendar.China }
            .Respond(nameof(NeedsSurveyCompleted), new NeedsSurveyCompleted("孩子多,需要青少年教育活动", 180))
            .Respond(nameof(ApplicationSubmitted), application)
            .Respond(nameof(SupportPollCompleted), new SupportPollCompleted(respondents, supporters))
            .Respond(nameof(ProjectReviewed), new ProjectReviewed(72m, "街道社区服务中心"))
            .Respond(nameof(ApprovalDecided), new ApprovalDecided(true, 6_500m, "同意实施", "领导小组"))
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .Respond(nameof(ProgressReported), new ProgressReported("进展", 1, 30, 6_000m))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(6_500m, 6_000m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(100, 97, new DateOnly(2025, 6, 20)));

        var outcome = await h.RunAsync(new ProjectLifecycleOrchestrator(),
            new ProjectLifecycleInput("清源街道", "兴华园社区", 2025, "儿童创意及表现空间", PerProjectCap: 10_000m, MidTermCheck: false));

        Assert.Equal(expected, outcome.Result);
        Assert.Equal(expected == ProjectResult.Closed, h.DeliveredEvents.Any(e => e.Name == nameof(ProjectReviewed)));
    }

    [Fact]
    public async Task Standalone_review_below_the_threshold_ends_the_project()
    {
        var application = Payloads.Application("兴华园社区", "儿童创意及表现空间", 6_500m, 0, 1, months: 1);
        var h = new OrchestrationHarness(Payloads.RoundOpensUtc, "proj2") { Calendar = WorkingDayCalendar.China }
            .Respond(nameof(NeedsSurveyCompleted), new NeedsSurveyCompleted("需求", 180))
            .Respond(nameof(ApplicationSubmitted), application)
            .Respond(nameof(SupportPollCompleted), new SupportPollCompleted(100, 80))
            .Respond(nameof(ProjectReviewed), new ProjectReviewed(59.5m, "街道社区服务中心"));

        var outcome = await h.RunAsync(new ProjectLifecycleOrchestrator(),
            new ProjectLifecycleInput("清源街道", "兴华园社区", 2025, "儿童创意及表现空间", PerProjectCap: 10_000m));

        Assert.Equal(ProjectResult.ReviewFailed, outcome.Result);
        Assert.Equal("Closed: review not passed", h.Statuses[^1].StepEn);
    }

    [Fact]
    public async Task Six_month_project_waits_for_every_month_and_a_mid_term_check()
    {
        var h = Funded()
            .Respond(nameof(TeamFormed), Payloads.Team(Start))
            .Respond(nameof(MidTermChecked), new MidTermChecked(true, "进度正常", "项目监审组"))
            .Respond(nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_000m))
            .Respond(nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"))
            .Respond(nameof(SatisfactionRated), new SatisfactionRated(100, 97, new DateOnly(2025, 10, 20)));
        for (int m = 1; m <= 6; m++)
        {
            h.Respond(nameof(ProgressReported), new ProgressReported($"第{m}月", 2, 30 * m, 1_500m * m));
        }

        var outcome = await h.RunAsync(new ProjectLifecycleOrchestrator(), Payloads.FundedProject(months: 6) with { MidTermCheck = true });

        var reports = h.DeliveredEvents.Where(e => e.Name == nameof(ProgressReported)).ToList();
        Assert.Equal(6, reports.Count);
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True((pair.Second.At - pair.First.At).TotalDays >= 28)); // one per month, not all at once
        int midTermIndex = h.DeliveredEvents.FindIndex(e => e.Name == nameof(MidTermChecked));
        Assert.Equal(4, midTermIndex); // team, reports 1–3, then the check
        Assert.Equal(6, outcome.ProgressReports);
        Assert.DoesNotContain(h.Notifications, n => n.Kind == NotificationKinds.Escalation);
    }
}
