using Governance.Domain.Evaluation;
using Governance.Domain.JointCommittee;

namespace Governance.Domain.Tests.JointCommittee;

public class YearlyRulesTests
{
    private static readonly MemberUnits Members = new(["社区党委", "派出所", "卫生院"]);

    private static string Code(Action act) => Assert.Throws<DomainRuleException>(act).Code;

    [Fact]
    public void The_chair_rotates_one_unit_a_quarter_and_carries_over_into_the_next_year()
    {
        Assert.Equal(["社区党委", "派出所", "卫生院", "社区党委"], Enumerable.Range(0, 4).Select(Members.ChairAt));
        Assert.Equal("派出所", Members.ChairAt(4)); // next year's first quarter, after four
        Assert.Equal("committee.units", Code(() => _ = new MemberUnits(["派出所", " 派出所"])));
        Assert.Equal("committee.units", Code(() => _ = new MemberUnits([])));
    }

    [Fact]
    public void Minutes_name_only_member_units_and_need_topics_and_decisions()
    {
        var minutes = new MeetingMinutes(Members, ["社区党委", "派出所"], ["停车难"], ["划线"], [new AssignedTask("派出所", "巡逻")], [new MatchedProject("助餐", "卫生院", 10_000m)]);
        Assert.Equal(("派出所", "巡逻"), (minutes.AssignedTasks[0].Unit, minutes.AssignedTasks[0].Task));
        Assert.Equal("minutes.attendance", Code(() => _ = new MeetingMinutes(Members, ["物业"], ["t"], ["d"], null, null)));
        Assert.Equal("minutes.topics", Code(() => _ = new MeetingMinutes(Members, ["派出所"], [" "], ["d"], null, null)));
        Assert.Equal("minutes.decisions", Code(() => _ = new MeetingMinutes(Members, ["派出所"], ["t"], [], null, null)));
        Assert.Equal("minutes.tasks", Code(() => _ = new MeetingMinutes(Members, ["派出所"], ["t"], ["d"], [new AssignedTask("物业", "x")], null)));
        Assert.Equal("minutes.projects", Code(() => _ = new MeetingMinutes(Members, ["派出所"], ["t"], ["d"], null, [new MatchedProject("助餐", "物业", 1m)])));
        Assert.Equal("minutes.projects", Code(() => _ = new MeetingMinutes(Members, ["派出所"], ["t"], ["d"], null, [new MatchedProject("助餐", "派出所", 1m), new MatchedProject("助餐", "卫生院", 1m)])));
    }

    [Fact]
    public void Year_end_scores_weigh_completed_tasks_and_rating_and_rate_every_unit_once()
    {
        var assigned = new Dictionary<string, int> { ["社区党委"] = 4, ["派出所"] = 1 };
        var scores = UnitAssessment.Score(Members, assigned, [new("社区党委", 2, 80m), new("派出所", 1, 100m), new("卫生院", 0, 70m)], 0.6m);

        Assert.Equal([62.0m, 100.0m, 88.0m], scores.Select(s => s.Score)); // 0.6×50 + 0.4×80; 0.6×100 + 0.4×100; nothing assigned counts as done
        Assert.Equal("assessment.unit", Code(() => UnitAssessment.Score(Members, assigned, [new("社区党委", 2, 80m), new("派出所", 1, 100m)], 0.6m)));
        Assert.Equal("assessment.unit", Code(() => UnitAssessment.Score(Members, assigned, [new("社区党委", 2, 80m), new("社区党委", 2, 80m), new("派出所", 1, 1m), new("卫生院", 0, 1m)], 0.6m)));
        Assert.Equal("assessment.tasksCompleted", Code(() => UnitAssessment.Score(Members, assigned, [new("社区党委", 5, 80m), new("派出所", 1, 100m), new("卫生院", 0, 70m)], 0.6m)));
        Assert.Equal("assessment.rating", Code(() => UnitAssessment.Score(Members, assigned, [new("社区党委", 1, 101m), new("派出所", 1, 100m), new("卫生院", 0, 70m)], 0.6m)));
    }

    [Fact]
    public void Work_orders_need_a_deadline_not_past_a_member_unit_when_claimed_as_one_and_feedback_when_done()
    {
        var today = new DateOnly(2026, 3, 2);
        WorkOrderRules.CheckRaised("清理堆物", today, today);
        Assert.Equal("order.deadline", Code(() => WorkOrderRules.CheckRaised("清理堆物", today.AddDays(-1), today)));
        Assert.Equal("order.title", Code(() => WorkOrderRules.CheckRaised(" ", today, today)));
        Assert.Equal("党员王某", WorkOrderRules.CheckClaim(" 党员王某 ", ClaimantKind.PartyMember, Members));
        Assert.Equal("order.claimedBy", Code(() => WorkOrderRules.CheckClaim("物业", ClaimantKind.MemberUnit, Members)));
        Assert.Equal("order.feedback", Code(() => WorkOrderRules.CheckCompleted("已办结", 3, 4)));
        Assert.Equal("order.outcome", Code(() => WorkOrderRules.CheckCompleted("", 3, 3)));
    }

    [Fact]
    public void Two_way_scores_cover_every_subject_once_and_the_survey_gives_participation_and_satisfaction()
    {
        string[] organisations = ["城厢居委会", "新华村委会"];
        Assert.Equal(2, EvaluationRules.CheckScores(organisations, [new("城厢居委会", 92m), new("新华村委会", 85m)], "evaluation.organisations", "Organisation", "自治组织").Count);
        Assert.Equal("evaluation.organisations", Code(() => EvaluationRules.CheckScores(organisations, [new("城厢居委会", 92m)], "evaluation.organisations", "Organisation", "自治组织")));
        Assert.Equal("evaluation.organisations", Code(() => EvaluationRules.CheckScores(organisations, [new("城厢居委会", 92m), new("新华村委会", 185m)], "evaluation.organisations", "Organisation", "自治组织")));
        Assert.Equal("evaluation.organisations", Code(() => EvaluationRules.CheckScores(organisations, [new("城厢居委会", 92m), new("新华村委会", 85m), new("别处", 1m)], "evaluation.organisations", "Organisation", "自治组织")));

        var survey = new SatisfactionSurvey(householdsInvited: 2_000, respondents: 987, satisfied: 950);
        Assert.Equal((0.4935m, 0.9625m), (survey.ParticipationRate, survey.SatisfactionRate));
        Assert.Equal("residentSurvey.respondents", Code(() => _ = new SatisfactionSurvey(100, 101, 50)));
        Assert.Equal("residentSurvey.satisfied", Code(() => _ = new SatisfactionSurvey(100, 50, 51)));
    }

    [Fact]
    public void The_evaluation_meeting_rates_each_of_its_projects_exactly_once()
    {
        string[] projects = ["p1", "p2"];
        ProjectEvaluationRatings.Check(projects, [new("p1", "台账齐全", 60, 58), new("p2", "运转正常", 60, 57)]);
        Assert.Equal("meeting.ratings", Code(() => ProjectEvaluationRatings.Check(projects, [new("p1", "台账齐全", 60, 58)])));
        Assert.Equal("meeting.ratings", Code(() => ProjectEvaluationRatings.Check(projects, [new("p1", "a", 60, 58), new("p1", "b", 60, 58), new("p2", "c", 1, 1)])));
        Assert.Equal("meeting.ratings", Code(() => ProjectEvaluationRatings.Check(projects, [new("p1", "a", 60, 58), new("p2", "b", 60, 57), new("p3", "c", 1, 1)])));
        Assert.Equal("meeting.inspection", Code(() => ProjectEvaluationRatings.Check(projects, [new("p1", " ", 60, 58), new("p2", "b", 60, 57)])));
        Assert.Equal("meeting.satisfaction", Code(() => ProjectEvaluationRatings.Check(projects, [new("p1", "a", 0, 0), new("p2", "b", 60, 57)])));
    }
}
