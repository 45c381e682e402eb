using Governance.Domain.Calendar;
using Governance.Domain.Elections;
using Governance.Workflows.Common;
using Governance.Workflows.Incubation;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class IncubationOrchestratorTests
{
    private static readonly DateTime StartUtc = ChinaTime.At(new DateOnly(2027, 3, 1), new TimeOnly(9, 0)).UtcDateTime;

    internal static IncubationInput Input(int? supportMonths = null, int? evaluationMonths = null)
        => new("东宝区泉口街道", "浏河社区", "浏河社区社会组织孵化基地", 2027, "银龄互助队", supportMonths, evaluationMonths);

    /// <summary>Stages 1–3: the target group is confirmed at the second try; the board's last seat is tied and run off.</summary>
    internal static OrchestrationHarness ToEmpowerment(OrchestrationHarness h) => h
        .Respond(nameof(IncubationNeedsSurveyed), new IncubationNeedsSurveyed(30, 120, "低龄老人", "照顾高龄独居老人"))
        .Respond(nameof(InterestActivitiesHeld), new InterestActivitiesHeld(2, 15, false, "参与者多为在职居民"))
        .Respond(nameof(IncubationNeedsSurveyed), new IncubationNeedsSurveyed(20, 80, "退休低龄老人", "结对照顾高龄老人"))
        .Respond(nameof(InterestActivitiesHeld), new InterestActivitiesHeld(3, 40, true))
        .Respond(nameof(GroupDiscussionsHeld), new GroupDiscussionsHeld(4, 36))
        .Respond(nameof(ActionPlanAdopted), new ActionPlanAdopted("每周结对探访", 6))
        .Respond(nameof(LeadersChosen), new LeadersChosen(["周桂芳", "陈德明"], 12))
        .Respond(nameof(StructureAdopted), new StructureAdopted("理事会+服务小组", ["例会制度", "财务公开"], 2, ["周桂芳", "陈德明", "吴秀兰", "孙建华"], 36))
        .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 6, 1), 36, 30, 30,
            [new("周桂芳", 25), new("陈德明", 17), new("吴秀兰", 17), new("孙建华", 1)]))
        .Respond(ElectionSteps.RunOffEvent, new RunOffHeld(new DateOnly(2027, 6, 1), 36, 30, 30, [new("陈德明", 18), new("吴秀兰", 12)]))
        .Respond(nameof(OrganisationRegistered), new OrganisationRegistered("浏河银龄互助队", "银杏叶", RegistrationKind.Filed, "LH-BA-2027-07", new DateOnly(2027, 7, 1)))
        .Respond(nameof(CharterAdopted), new CharterAdopted("互助、守时、保密", "探访一次积1分,可在合作商家兑换", 5));

    internal static OrchestrationHarness Periods(OrchestrationHarness h, int periods, int failingPeriod)
    {
        for (int period = 1; period <= periods; period++)
        {
            h.Respond(nameof(SupportReported), new SupportReported(2_000m, ["社区公益创投"], 2, 5));
            if (period == failingPeriod)
            {
                h.Respond(nameof(EvaluationCompleted), new EvaluationCompleted(false, Evaluator.ThirdParty, "台账不全", ["补齐探访台账"]))
                    .Respond(nameof(CorrectiveActionsCompleted), new CorrectiveActionsCompleted("台账已补齐"));
            }

            h.Respond(nameof(EvaluationCompleted), new EvaluationCompleted(true, Evaluator.Internal, "运行良好"));
        }

        return h;
    }

    [Fact]
    public async Task Runs_the_nine_steps_and_graduates_when_the_support_period_ends_with_a_passing_evaluation()
    {
        var h = Periods(ToEmpowerment(new OrchestrationHarness(StartUtc, "liuhe-yinling")), 4, failingPeriod: 2);

        var report = await h.RunAsync(new IncubationOrchestrator(), Input());

        Assert.Equal(IncubationResult.Graduated, report.Result);
        Assert.Equal(["周桂芳", "陈德明"], report.Board.Elected);
        Assert.Equal(RoundKind.RunOff, report.Board.Rounds[^1].Kind);
        Assert.True(report.Board.Rounds[0].TieAtLastSeat);
        Assert.Equal((5, 1, 20, 8_000m), (report.Evaluations, report.CorrectiveRounds, report.ActivistsTrained, report.FundsRaised));
        Assert.Empty(h.Rejected);
        // Four periods of six months from the start of stage 4; graduated on the day of the last evaluation.
        Assert.Equal(4, h.DeliveredEvents.Count(e => e.Name == nameof(SupportReported)));
        Assert.True(report.GraduatedOn >= new DateOnly(2029, 3, 1), report.GraduatedOn.ToString());
        var final = h.Statuses[^1];
        Assert.Equal(IncubationStages.Graduated, final.Stage);
        Assert.Equal(20, final.Counters![IncubationStages.ActivistsTrained]);
        Assert.Equal(
            [IncubationStages.FindNeeds, IncubationStages.OrganiseResidents, IncubationStages.Formalise, IncubationStages.Empower, IncubationStages.Graduated],
            h.Statuses.Select(s => s.Stage).Where(s => s is not null).Distinct());
    }

    [Fact]
    public async Task The_evaluation_period_and_support_period_are_configurable_per_organisation()
    {
        var h = Periods(ToEmpowerment(new OrchestrationHarness(StartUtc, "liuhe-short")), 1, failingPeriod: 0);

        var report = await h.RunAsync(new IncubationOrchestrator(), Input(supportMonths: 12, evaluationMonths: 12));

        Assert.Equal(1, report.Evaluations);
        Assert.Single(h.DeliveredEvents, e => e.Name == nameof(SupportReported));
    }

    [Fact]
    public async Task Three_leaders_a_board_tally_of_the_wrong_membership_and_a_failed_evaluation_without_corrective_actions_are_refused_naming_the_field()
    {
        var h = new OrchestrationHarness(StartUtc, "liuhe-refusals")
            .Respond(nameof(IncubationNeedsSurveyed), new IncubationNeedsSurveyed(30, 120, "低龄老人", "照顾高龄老人"))
            .Respond(nameof(InterestActivitiesHeld), new InterestActivitiesHeld(3, 40, true))
            .Respond(nameof(GroupDiscussionsHeld), new GroupDiscussionsHeld(4, 36))
            .Respond(nameof(ActionPlanAdopted), new ActionPlanAdopted("每周结对探访", 6))
            .Respond(nameof(LeadersChosen), new LeadersChosen(["甲", "乙", "丙"], 12))
            .Respond(nameof(LeadersChosen), new LeadersChosen(["周桂芳", "陈德明"], 12))
            .Respond(nameof(StructureAdopted), new StructureAdopted("理事会", ["例会制度"], 2, ["周桂芳", "陈德明", "吴秀兰", "孙建华"], 36))
            .Respond(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(new DateOnly(2027, 6, 1), 35, 30, 30, []));
        ToEmpowerment(h);
        h.Respond(nameof(SupportReported), new SupportReported(0m, null, 0, 0))
            .Respond(nameof(EvaluationCompleted), new EvaluationCompleted(false, Evaluator.Internal, "台账不全"))
            .Respond(nameof(EvaluationCompleted), new EvaluationCompleted(true, Evaluator.Internal, "整改承诺已落实"));

        await h.RunAsync(new IncubationOrchestrator(), Input(supportMonths: 6));

        // The board's tally must count the members entitled to vote declared with the structure (36, not 35).
        Assert.Equal([("incubation.leaders", "leaders"), ("election.electors", "households"), ("incubation.correctiveActions", "correctiveActions")],
            h.Rejected.Select(r => (r.Refusal.Rule, r.Refusal.Field)));
    }
}
