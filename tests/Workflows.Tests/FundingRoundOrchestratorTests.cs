using Governance.Domain.Projects;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Tests.Support;
using Governance.Domain.Calendar;
using Moq;

namespace Governance.Workflows.Tests;

public class FundingRoundOrchestratorTests
{
    private static OrchestrationHarness ThreeApplications()
    {
        var h = new OrchestrationHarness(Payloads.RoundOpensUtc) { Calendar = WorkingDayCalendar.China };
        h.Respond(nameof(ApplicationSubmitted), Payloads.Application("金华里社区", "新居民之家", 10_000m, 168, 240))
         .Respond(nameof(ApplicationSubmitted), Payloads.Application("滨河西里南区社区", "帮老助困服务队", 8_000m, 499, 1_000)) // 49.9%
         .Respond(nameof(ApplicationSubmitted), Payloads.Application("郁花园社区", "社区文化活动中心", 10_000m, 100, 200)); // exactly 50%
        return h;
    }

    [Fact]
    public async Task Round_screens_out_the_project_residents_reject_ranks_the_rest_and_fans_out_funded_projects()
    {
        var h = ThreeApplications()
            .Respond(nameof(ReviewMeetingHeld), new ReviewMeetingHeld(new DateOnly(2025, 3, 20), 40, [new ReviewVoteTally(1, 30, 25, 25), new ReviewVoteTally(3, 35, 30, 30)]))
            .Respond(nameof(FundingDecided), new FundingDecided([new Grant(3, 10_000m), new Grant(1, 10_000m)], null, "领导小组"));

        var report = await h.RunAsync(new FundingRoundOrchestrator(), Payloads.Round());

        var screened = Assert.Single(report.ScreenedOut);
        Assert.Equal("滨河西里南区社区", screened.Community);
        Assert.Contains("49.9", screened.ReasonEn);
        Assert.Equal([3, 1], report.Ranking.Select(r => r.ApplicationNumber)); // 0.4*35+0.3*30+0.3*30 = 32 > 27
        Assert.False(report.Decision!.DepartsFromRanking);
        Assert.Equal(["round1:project:1", "round1:project:3"], h.SubOrchestrations.Select(s => s.InstanceId).Order());
        Assert.All(h.SubOrchestrations, s => Assert.Equal(nameof(ProjectLifecycleOrchestrator), s.Name));
        Assert.Equal(20_000m, report.Granted);
        Assert.Equal(2, report.Projects.Count);
        Assert.Equal(3, report.ApplicationsReceived);
    }

    [Fact]
    public async Task Applications_close_at_the_deadline_after_reminders_and_the_review_waits_for_that()
    {
        var h = ThreeApplications()
            .Respond(nameof(ReviewMeetingHeld), new ReviewMeetingHeld(new DateOnly(2025, 3, 20), 40, [new ReviewVoteTally(1, 30, 25, 25), new ReviewVoteTally(3, 35, 30, 30)]))
            .Respond(nameof(FundingDecided), new FundingDecided([new Grant(3, 10_000m), new Grant(1, 10_000m)], null, "领导小组"));

        await h.RunAsync(new FundingRoundOrchestrator(), Payloads.Round());

        var reminders = h.Notifications.Where(n => n.EventName == nameof(ApplicationSubmitted) && n.Kind == NotificationKinds.Reminder).ToList();
        Assert.Equal([new DateOnly(2025, 3, 11), new DateOnly(2025, 3, 14)], reminders.Select(r => r.NoticeDate)); // 3 working days before, on the day
        var review = h.DeliveredEvents.Single(e => e.Name == nameof(ReviewMeetingHeld));
        Assert.True(review.At >= ChinaTime.EndOfDay(new DateOnly(2025, 3, 14)).UtcDateTime);
        Assert.All(h.Statuses, s => Assert.False(string.IsNullOrWhiteSpace(s.StepZh) || string.IsNullOrWhiteSpace(s.StepEn)));
        Assert.Contains(h.Statuses, s => s.StepEn == "Publicity: the funded projects list");
        Assert.Equal("Closed: round report", h.Statuses[^1].StepEn);
    }

    [Fact]
    public async Task A_decision_departing_from_the_ranking_is_refused_until_a_reason_is_written()
    {
        var h = ThreeApplications()
            .Respond(nameof(ReviewMeetingHeld), new ReviewMeetingHeld(new DateOnly(2025, 3, 20), 40, [new ReviewVoteTally(1, 30, 25, 25), new ReviewVoteTally(3, 35, 30, 30)]))
            .Respond(nameof(FundingDecided), new FundingDecided([new Grant(1, 10_000m)], null, "领导小组"))
            .Respond(nameof(FundingDecided), new FundingDecided([new Grant(1, 10_000m)], "专家意见:金华里外来人口过半,需求更迫切", "领导小组"));

        var report = await h.RunAsync(new FundingRoundOrchestrator(), Payloads.Round(budget: 10_000m, cap: 10_000m));

        var refused = Assert.Single(h.Rejected, r => r.EventName == nameof(FundingDecided)).Refusal;
        Assert.Contains("书面说明理由", refused.MessageZh);
        Assert.Equal("funding.departureWithoutReason", refused.Rule);
        Assert.Equal("departureReason", refused.Field);
        Assert.True(report.Decision!.DepartsFromRanking);
        Assert.Equal("专家意见:金华里外来人口过半,需求更迫切", report.Decision.DepartureReason);
        Assert.Equal("round1:project:1", Assert.Single(h.SubOrchestrations).InstanceId);
    }

    [Fact]
    public async Task An_upheld_objection_during_publicity_reopens_the_funding_decision()
    {
        var h = ThreeApplications()
            .Respond(nameof(ReviewMeetingHeld), new ReviewMeetingHeld(new DateOnly(2025, 3, 20), 40, [new ReviewVoteTally(1, 30, 25, 25), new ReviewVoteTally(3, 35, 30, 30)]))
            .Respond(nameof(FundingDecided), new FundingDecided([new Grant(3, 10_000m), new Grant(1, 9_000m)], "压缩预算", "领导小组"))
            .Respond(Publicity.ObjectionEvent, new Objection("金华里居民", "资助金额与申请不符"))
            .Respond(Publicity.RulingEvent, new ObjectionRuled(true, "异议成立,按申请金额资助", "领导小组"))
            .Respond(nameof(FundingDecided), new FundingDecided([new Grant(3, 10_000m), new Grant(1, 10_000m)], null, "领导小组"));

        var report = await h.RunAsync(new FundingRoundOrchestrator(), Payloads.Round());

        Assert.Equal(2, h.DeliveredEvents.Count(e => e.Name == nameof(FundingDecided)));
        Assert.True(Assert.Single(report.Objections).Ruling.Upheld);
        Assert.Equal(20_000m, report.Granted);
        Assert.Equal(2, h.Notifications.Count(n => n.Kind == NotificationKinds.PublicityPosted));
        Assert.True(h.TimersCancelled > 0); // the first publicity period's timer was cancelled when the objection was upheld
    }

    [Fact]
    public async Task Application_above_the_cap_is_refused_with_the_reason()
    {
        var h = new OrchestrationHarness(Payloads.RoundOpensUtc)
            .Respond(nameof(ApplicationSubmitted), Payloads.Application("兴华园社区", "儿童创意及表现空间", 20_000m, 150, 200));

        var report = await h.RunAsync(new FundingRoundOrchestrator(), Payloads.Round());

        Assert.Empty(report.ScreenedOut);
        Assert.Empty(report.Ranking);
        Assert.Contains(h.Rejected, r => r.Refusal.MessageZh!.Contains("资助上限") && r.Refusal.Field == "budgetLines");
        h.Mock.Verify(c => c.CallSubOrchestratorAsync<ProjectOutcome>(It.IsAny<Governance.Durable.TaskName>(), It.IsAny<object?>(), It.IsAny<Governance.Durable.TaskOptions?>()), Times.Never);
    }

    [Fact]
    public async Task A_refusal_inside_the_applications_support_poll_names_the_nested_field()
    {
        var blankOverride = Payloads.Application("兴华园社区", "儿童创意及表现空间", 10_000m, 40, 100) with
        {
            SupportPoll = new SupportPollCompleted(100, 40, Override: true, OverrideReason: "  "),
        };
        var h = new OrchestrationHarness(Payloads.RoundOpensUtc).Respond(nameof(ApplicationSubmitted), blankOverride);

        await h.RunAsync(new FundingRoundOrchestrator(), Payloads.Round());

        var (_, refused) = Assert.Single(h.Rejected);
        Assert.Equal("support.overrideReason", refused.Rule);
        Assert.Equal("supportPoll.overrideReason", refused.Field);
    }
}
