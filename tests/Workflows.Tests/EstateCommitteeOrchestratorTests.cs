using Governance.Domain.Calendar;
using Governance.Domain.Elections;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.SelfManagement;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class EstateCommitteeOrchestratorTests
{
    private static readonly DateTime StartUtc = ChinaTime.At(new DateOnly(2027, 3, 1), new TimeOnly(9, 0)).UtcDateTime;

    internal static EstateCommitteeInput Input(int? stopAfter = null) => new("东宝区泉口街道", "浏河社区", "化工小区", 2027, 300, 3, StopAfterYear: stopAfter);

    internal static OrchestrationHarness Harness(string id = "liuhe-huagong") => new(StartUtc, id)
    {
        SubOrchestrationResult = (sid, input) => input is EstateProblemInput p
            ? new ProblemOutcome(p.Round, p.Number, p.Problem.Title, p.Problem.Type, p.Problem.ResponsibleParty, new DateOnly(2027, 4, 1), "已解决")
            : null,
    };

    internal static OrchestrationHarness SetUp(OrchestrationHarness h) => h
        .Respond(nameof(TalentSearchCompleted), new TalentSearchCompleted(
            [new("张建国", TalentGroup.RetiredOfficial, new(true, true, true, true)), new("李秀英", TalentGroup.ResidentActivist, new(true, true, true, true)),
             new("王志强", TalentGroup.SkilledPerson, new(true, false, true, true)), new("赵桂兰", TalentGroup.RetiredWorker, new(true, true, true, false))], 6))
        .Respond(nameof(ConsultationMeetingsHeld), new ConsultationMeetingsHeld(new DateOnly(2027, 3, 10), 46, new DateOnly(2027, 3, 12), 12, "居民希望成立自管委员会管理停车和卫生"))
        .Respond(nameof(NominationsClosed), new NominationsClosed([new("张建国", NominationChannel.PartyOrganisation), new("李秀英", NominationChannel.ResidentsJointly, 15),
            new("王志强", NominationChannel.Self), new("赵桂兰", NominationChannel.ResidentsJointly, 10), new("刘伟", NominationChannel.Self)]))
        .Respond(nameof(CandidatesScreened), new CandidatesScreened([Passed("张建国"), Passed("李秀英"), Passed("王志强"), Passed("赵桂兰"),
            new("刘伟", true, true, false, true, true)]));

    internal static CandidateScreening Passed(string name) => new(name, true, true, true, true, true);

    internal static OrchestrationHarness ElectedAtSecondAssemblyWithRunOff(OrchestrationHarness h) => h
        .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 10), 300, 190, 185, []))
        .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 24), 300, 240, 236,
            [new("张建国", 200), new("李秀英", 150), new("王志强", 110), new("赵桂兰", 90)]))
        .Respond(ElectionSteps.RunOffEvent, new RunOffHeld(new DateOnly(2027, 4, 24), 300, 236, 230, [new("王志强", 130), new("赵桂兰", 100)]));

    internal static OrchestrationHarness ConventionAndYear(OrchestrationHarness h)
    {
        h.Respond(nameof(ConventionDrafted), new ConventionDrafted("文明停车、垃圾分类、邻里互助", ["管理停车", "组织卫生清扫", "调解纠纷"]))
            .Respond(nameof(ConventionMeetingHeld), new ConventionMeetingHeld(new DateOnly(2027, 5, 15), 180, true))
            .Respond(nameof(EmpowermentPlanned), new EmpowermentPlanned(2, "代办老年人证件", true, [new FundingApplication("楼道照明改造", 20_000m)]))
            .Respond(nameof(ProblemsCollected), new ProblemsCollected([new("3栋楼道灯坏", ProblemSource.FixedPoint), new("车辆乱停", ProblemSource.Online)]))
            .Respond(nameof(OpenSpaceMeetingHeld), new OpenSpaceMeetingHeld(new DateOnly(2027, 6, 1), 35,
                [new("3栋楼道灯坏", ProblemType.Facilities, "自管委员会", 10), new("车辆乱停", ProblemType.Safety, "社区与交警", null)]));
        for (int round = 2; round <= 4; round++)
        {
            h.Respond(nameof(ProblemsCollected), new ProblemsCollected([]));
        }

        for (int month = 1; month <= 12; month++)
        {
            h.Respond(nameof(MonthlyAccountsPublished), new MonthlyAccountsPublished(month, 1_000m, 800m, 50, [new("李秀英", "照顾独居老人")], new DateOnly(2027, 6, 1)));
        }

        return h.Respond(nameof(AnnualReviewHeld), new AnnualReviewHeld(new DateOnly(2028, 6, 10), 300, 210, 198, "居民满意"));
    }

    [Fact]
    public async Task Setup_elects_at_the_second_assembly_with_a_run_off_then_the_year_continues_as_new()
    {
        var h = ConventionAndYear(ElectedAtSecondAssemblyWithRunOff(SetUp(Harness())));

        var report = await h.RunAsync(new EstateCommitteeOrchestrator(), Input());

        Assert.Equal(["张建国", "李秀英", "王志强"], report.Members);
        Assert.Equal(1, report.Election!.QuorumFailures);
        Assert.Equal([false, true, true], report.Election.Rounds.Select(r => r.QuorumMet));
        Assert.Equal(RoundKind.RunOff, report.Election.Rounds[^1].Kind);
        Assert.Empty(h.Rejected);
        Assert.Contains(h.Notifications, n => n.Kind == NotificationKinds.QuorumMissed && n.Recipient == Roles.Community);
        Assert.DoesNotContain(h.Notifications, n => n.EventName == ElectionSteps.AssemblyEvent && n.Kind == NotificationKinds.Escalation);
        // One execution per year, and occurrences count from 1 again in each: the year keeps notice ids apart.
        Assert.All(h.Notifications, n => Assert.StartsWith("2027.", n.NoticeId));

        // Empowerment started the estate's project, linked both ways.
        var start = Assert.Single(h.LinkedStarts);
        Assert.Equal(("liuhe-huagong", EstateCommitteeOrchestrator.WorkflowName, "2027-楼道照明改造"), (start.ParentInstanceId, start.ParentWorkflow, start.Key));
        Assert.Equal("化工小区:楼道照明改造", start.Project.ProjectName);
        Assert.Contains(h.Statuses, s => s.Links is [{ InstanceId: "liuhe-huagong:project:2027-楼道照明改造", Relation: ProcessLink.Child }]);
        Assert.Equal(["liuhe-huagong:project:2027-楼道照明改造"], report.Projects.Select(p => p.InstanceId));

        // Problems ran as their own instances; the year's accounts and review are in the report.
        Assert.Equal(["liuhe-huagong:problem:2027-1-1", "liuhe-huagong:problem:2027-1-2"],
            h.SubOrchestrations.Where(s => s.Name == nameof(EstateProblemOrchestrator)).Select(s => s.InstanceId));
        Assert.Equal(2, report.Problems.Count);
        Assert.Equal(12, report.MonthlyPublications);
        Assert.Equal(9_600m, report.Expenses);
        Assert.Equal(0.9429m, report.Satisfaction);

        // The next year continues as new with the committee and the term's second year.
        var next = Assert.IsType<EstateCommitteeInput>(h.ContinuedAsNewWith);
        Assert.Equal((2028, 2), (next.Year, next.YearOfTerm));
        Assert.Equal(["张建国", "李秀英", "王志强"], next.Committee!.Members);
        Assert.Same(report, next.LastYear);
    }

    [Fact]
    public async Task An_impossible_tally_is_refused_naming_field_and_rule_and_the_assembly_stays_open()
    {
        var h = SetUp(Harness())
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 10), 300, 240, 250, []))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 10), 300, 240, 236, [new("周", 1)]))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 10), 300, 240, 236,
                [new("张建国", 200), new("李秀英", 200), new("王志强", 200), new("赵桂兰", 200)]))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 10), 300, 240, 236,
                [new("张建国", 200), new("李秀英", 150), new("王志强", 140), new("赵桂兰", 90)]));
        ConventionAndYear(h);

        var report = await h.RunAsync(new EstateCommitteeOrchestrator(), Input(stopAfter: 2027));

        Assert.Equal([("election.ballotsOverAttendees", "ballotsCast"), ("election.unknownCandidate", "votes"), ("election.marksOverSeats", "votes")],
            h.Rejected.Select(r => (r.Refusal.Rule, r.Refusal.Field)));
        Assert.All(h.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Refusal.MessageZh)));
        Assert.Equal(["张建国", "李秀英", "王志强"], report.Members);
        Assert.Single(report.Election!.Rounds);
        Assert.Null(h.ContinuedAsNewWith); // the last year ends the instance
    }

    [Fact]
    public async Task A_preliminary_list_that_is_not_competitive_is_refused()
    {
        var h = Harness()
            .Respond(nameof(TalentSearchCompleted), new TalentSearchCompleted([new("张建国", TalentGroup.RetiredOfficial, new(true, true, true, true))], 1))
            .Respond(nameof(ConsultationMeetingsHeld), new ConsultationMeetingsHeld(new DateOnly(2027, 3, 10), 46, new DateOnly(2027, 3, 12), 12, "意见"))
            .Respond(nameof(NominationsClosed), new NominationsClosed([new("张建国", NominationChannel.PartyOrganisation), new("李秀英", NominationChannel.Self),
                new("王志强", NominationChannel.Self), new("赵桂兰", NominationChannel.Self)]))
            .Respond(nameof(CandidatesScreened), new CandidatesScreened([Passed("张建国"), Passed("李秀英"), Passed("王志强"), new("赵桂兰", false, true, true, true, true)]))
            .Respond(nameof(CandidatesScreened), new CandidatesScreened([Passed("张建国"), Passed("李秀英"), Passed("王志强"), Passed("赵桂兰")]));
        ElectedAtSecondAssemblyWithRunOff(h);
        ConventionAndYear(h);

        await h.RunAsync(new EstateCommitteeOrchestrator(), Input(stopAfter: 2027));

        var refused = Assert.Single(h.Rejected);
        Assert.Equal((nameof(CandidatesScreened), "election.notCompetitive", "candidates"), (refused.EventName, refused.Refusal.Rule, refused.Refusal.Field));
    }

    [Fact]
    public async Task Two_missed_quorums_in_a_row_escalate_to_the_street_office()
    {
        var h = SetUp(Harness())
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 10), 300, 190, 185, []))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 4, 24), 300, 199, 199, []))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 5, 8), 300, 200, 200,
                [new("张建国", 180), new("李秀英", 150), new("王志强", 120), new("赵桂兰", 90)]));
        ConventionAndYear(h);

        var report = await h.RunAsync(new EstateCommitteeOrchestrator(), Input(stopAfter: 2027));

        Assert.Equal(2, report.Election!.QuorumFailures);
        var escalation = Assert.Single(h.Notifications, n => n.EventName == ElectionSteps.AssemblyEvent && n.Kind == NotificationKinds.Escalation);
        Assert.Equal((Roles.StreetOffice, (int)EscalationLevel.StreetOffice), (escalation.Recipient, escalation.EscalationLevel));
        Assert.Contains(h.Statuses, s => s.OpenSteps.Any(o => o.StepEn == "Hold the self-management committee election assembly (attempt 3)"));
    }

    [Fact]
    public async Task After_the_term_the_year_starts_with_a_new_election_without_a_new_talent_search()
    {
        var committee = new EstateCommittee(["张建国", "李秀英", "王志强"], 2027, new DateOnly(2027, 5, 1), "公约");
        var h = Harness()
            .Respond(nameof(ConsultationMeetingsHeld), new ConsultationMeetingsHeld(new DateOnly(2030, 3, 10), 40, new DateOnly(2030, 3, 12), 12, "换届"))
            .Respond(nameof(NominationsClosed), new NominationsClosed([new("张建国", NominationChannel.PartyOrganisation), new("李秀英", NominationChannel.ResidentsJointly),
                new("王志强", NominationChannel.Self), new("赵桂兰", NominationChannel.ResidentsJointly)]))
            .Respond(nameof(CandidatesScreened), new CandidatesScreened([Passed("张建国"), Passed("李秀英"), Passed("王志强"), Passed("赵桂兰")]))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2030, 4, 10), 300, 220, 220,
                [new("张建国", 180), new("李秀英", 150), new("王志强", 100), new("赵桂兰", 140)]));
        ConventionAndYear(h);
        h.Respond(nameof(ConventionDrafted), new ConventionDrafted("不应再起草", ["-"])); // never asked: the convention stays

        var report = await h.RunAsync(new EstateCommitteeOrchestrator(), Input() with { Year = 2030, Committee = committee, YearOfTerm = 4 });

        Assert.Equal(["张建国", "李秀英", "赵桂兰"], report.Members);
        Assert.DoesNotContain(h.DeliveredEvents, e => e.Name is nameof(TalentSearchCompleted) or nameof(ConventionDrafted));
        Assert.Contains(h.Notifications, n => n.NoticeId == "2030.term");
        var next = Assert.IsType<EstateCommitteeInput>(h.ContinuedAsNewWith);
        Assert.Equal((2031, 2, 2030), (next.Year, next.YearOfTerm, next.Committee!.ElectedInYear));
    }

    [Fact]
    public async Task A_late_annual_review_does_not_push_the_following_years_later()
    {
        // 2027's year begins on 1 March 2027; its review is held only on 15 May 2028, two and a half months late.
        var committee = new EstateCommittee(["张建国", "李秀英", "王志强"], 2026, new DateOnly(2026, 5, 1), "公约");
        var first = OneYear(Harness(), 2027);
        first.RaiseAt(ChinaTime.At(new DateOnly(2028, 5, 15), new TimeOnly(10, 0)).UtcDateTime, nameof(AnnualReviewHeld),
            new AnnualReviewHeld(new DateOnly(2028, 5, 15), 300, 210, 198, "居民满意"));
        await first.RunAsync(new EstateCommitteeOrchestrator(), Input() with { Committee = committee, YearOfTerm = 2 });
        var next = Assert.IsType<EstateCommitteeInput>(first.ContinuedAsNewWith);
        Assert.True(first.Now > ChinaTime.At(new DateOnly(2028, 5, 15), TimeOnly.MinValue).UtcDateTime);
        Assert.Equal((2028, new DateOnly(2028, 3, 1)), (next.Year, next.PeriodStart));

        // 2028's year still runs from 1 March 2028: its first month's accounts are due in early April, not a month after the
        // late start, and the year closes at its own end (its review, held on time, right after 28 February 2029).
        var second = new OrchestrationHarness(first.Now, "liuhe-huagong")
        {
            SubOrchestrationResult = (_, _) => null,
        };
        OneYear(second, 2028).Respond(nameof(AnnualReviewHeld), new AnnualReviewHeld(new DateOnly(2029, 3, 1), 300, 220, 200, "居民满意"));
        await second.RunAsync(new EstateCommitteeOrchestrator(), next);

        var monthOne = second.Statuses.SelectMany(s => s.OpenSteps).First(o => o.EventName == nameof(MonthlyAccountsPublished));
        Assert.Equal(new DateOnly(2028, 4, 7), monthOne.DueDate); // 5 working days after 31 March
        var reviewOpened = second.Statuses.SelectMany(s => s.OpenSteps).First(o => o.EventName == nameof(AnnualReviewHeld));
        Assert.Equal(second.Calendar.AddWorkingDays(new DateOnly(2029, 2, 28), 20), reviewOpened.DueDate);
        var third = Assert.IsType<EstateCommitteeInput>(second.ContinuedAsNewWith);
        Assert.Equal((2029, new DateOnly(2029, 3, 1)), (third.Year, third.PeriodStart));
    }

    /// <summary>A year's steps answered as soon as they open (no funding applications, no problems), except the annual review.</summary>
    private static OrchestrationHarness OneYear(OrchestrationHarness h, int year)
    {
        h.Respond(nameof(EmpowermentPlanned), new EmpowermentPlanned(1, "代办老年人证件", true, []));
        for (int round = 1; round <= 4; round++)
        {
            h.Respond(nameof(ProblemsCollected), new ProblemsCollected([]));
        }

        for (int month = 1; month <= 12; month++)
        {
            h.Respond(nameof(MonthlyAccountsPublished), new MonthlyAccountsPublished(month, 1_000m, 800m, 50, [], new DateOnly(year, 6, 1)));
        }

        return h;
    }
}
